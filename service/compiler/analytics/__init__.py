"""Connected questions as single bounded statements: supply chains, paths, money loops, exposure,
per-company figures and rankings.

Every traversal has a depth cap, a cap on the rows it may enumerate, and the statement timeout.
Where a cap cut the answer short, the result says `truncated: true`. Entities inside results are
projected by the same compiler as everywhere else, so clients select their fields as usual.
Arguments arrive coerced by graphql-core; only the ranges the schema cannot state are checked.
"""
