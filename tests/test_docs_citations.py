"""The design notes the code cites are in the repository: every docs/ file a module, SQL
file or config names exists, every section it names is a heading there, and nothing
cites a design file that is not in the repository."""

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = (
    "assets",
    "core",
    "resources",
    "pipeline_defs",
    "socialpipe",
    "sql",
    "tests",
    "benchmarks",
)
SOURCE_SUFFIXES = {".py", ".sql", ".toml", ".yaml", ".yml"}
# docs/NAME.md, optionally followed by a quoted section: docs/X.md, "Section" or ("Section")
CITATION = re.compile(r'docs/([A-Z_]+\.md)(?:,? \(?"([^"]+)")?')
# a design file outside the repository: "DESIGN §5", "DESIGN.md", "STACK.md" without docs/
OUTSIDE = re.compile(r"(?<![\w/])DESIGN(?:\.md)? ?§|(?<![\w/])DESIGN\.md|(?<!docs/)\bSTACK\.md")
# released migrations are never edited, their comments included
RELEASED_MIGRATIONS = "sql/schema/"
# tests that search for an old citation as text
SEARCHING = {"tests/test_variants_placements.py"}


def _sources() -> list[Path]:
    found = [REPO_ROOT / "pyproject.toml", REPO_ROOT / "deploy" / "dagster.yaml"]
    for folder in SOURCE_FOLDERS:
        found += [p for p in (REPO_ROOT / folder).rglob("*") if p.suffix in SOURCE_SUFFIXES]
    return [p for p in found if p.is_file() and p.resolve() != Path(__file__).resolve()]


def _headings(doc: Path) -> set[str]:
    return {
        line.lstrip("#").strip() for line in doc.read_text().splitlines() if line.startswith("#")
    }


def test_cited_docs_and_sections_exist() -> None:
    missing = []
    cited = 0
    for path in _sources():
        for match in CITATION.finditer(path.read_text()):
            cited += 1
            doc = REPO_ROOT / "docs" / match.group(1)
            # a section is cited by its heading or the heading's beginning
            section = match.group(2)
            found = doc.is_file() and (
                section is None or any(h.startswith(section) for h in _headings(doc))
            )
            if not found:
                missing.append(f"{path.relative_to(REPO_ROOT)}: {match.group(0)}")
    assert cited > 20  # the pattern still finds the citations
    assert missing == [], "\n".join(missing)


def test_no_citation_of_design_files_outside_the_repository() -> None:
    citing = {
        str(path.relative_to(REPO_ROOT)) for path in _sources() if OUTSIDE.search(path.read_text())
    }
    left = {p for p in citing if not p.startswith(RELEASED_MIGRATIONS)} - SEARCHING
    assert left == set(), sorted(left)


def test_the_patterns_tell_citations_apart() -> None:
    # the two patterns on known text, so that a broken pattern cannot pass the tests above
    assert CITATION.search('see docs/STACK.md, "Pins"').groups() == ("STACK.md", "Pins")
    assert CITATION.search('docs/SCHEMA.md ("Indexes")').groups() == ("SCHEMA.md", "Indexes")
    assert CITATION.search("docs/FLOW.md: the flow").groups() == ("FLOW.md", None)
    assert CITATION.search('"docs/FLOW.md" in text').groups() == ("FLOW.md", None)
    assert OUTSIDE.search("as DESIGN §5 says") and OUTSIDE.search("(DESIGN.md §7)")
    assert not OUTSIDE.search("docs/ER_DESIGN.md")
    assert OUTSIDE.search("STACK.md's pins") and not OUTSIDE.search("docs/STACK.md")
