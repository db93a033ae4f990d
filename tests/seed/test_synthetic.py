from pathlib import Path

from seed.stream import validate_stream
from seed.synthetic import generate
from seed.yaml_files import data_files


def test_synthetic_output_validates_and_is_reproducible(tmp_path: Path) -> None:
    counts = generate(tmp_path / "a", companies=500, seed=7)
    assert counts["companies"] == 500 and counts["partnerships"] > 500
    files = list(data_files(tmp_path / "a"))
    total, errors = validate_stream(files)
    assert errors == []
    assert total == sum(counts.values())
    generate(tmp_path / "b", companies=500, seed=7)
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in data_files(tmp_path / "b")]


def test_synthetic_entities_are_marked(tmp_path: Path) -> None:
    generate(tmp_path, companies=100, seed=1)
    text = "".join(f.read_text() for f in data_files(tmp_path))
    assert text.count('"synthetic": true') == sum(1 for line in text.splitlines() if line.startswith("- {"))
    assert "synthetic.invalid" in text
