"""The network written out for other tools: FollowTheMoney (Aleph), GraphML and GEXF (Gephi), CSV.

Each writer turns the rows `service.graph.exports` streams into text chunks, one node or link at
a time, so an export never holds the whole document. `formats.FORMATS` names them for the HTTP
endpoints and the CLI.
"""
