"""The extractor against hand-labelled golden files, as a ratchet: every difference from the
labels is known and written down; a new one, or one that disappears, fails until
known_differences.csv says so (python -m tests.golden_match --write)."""

from collections import Counter

import pytest

from tests.golden_match import golden_cases, known_differences, score_case

# A floor under the ratchet: a folder whose known differences grew this far is broken, not
# a matter of writing them down.
FLOOR = {"precision": 0.85, "recall": 0.85}


@pytest.mark.parametrize("folder", golden_cases(), ids=lambda p: p.name)
def test_golden(folder):
    s = score_case(folder)
    known = known_differences(folder)
    new = sorted((Counter(s.differences) - Counter(known)).elements())
    gone = sorted((Counter(known) - Counter(s.differences)).elements())
    message = [f"{folder.name}: precision {s.precision:.3f} recall {s.recall:.3f}"]
    message += ["  NEW   " + " | ".join(d) for d in new]
    message += ["  FIXED " + " | ".join(d) for d in gone]
    assert not new and not gone, "\n".join(message)
    assert s.precision >= FLOOR["precision"] and s.recall >= FLOOR["recall"], message[0]


def test_a_document_reads_the_same_whatever_was_read_before():
    """The extractor caches answers for one document (transforms/memo.py); a cache that kept
    something of the document before would make a figure depend on the order of a run."""
    from tests.golden_match import extract_case

    folders = golden_cases()[:6]
    alone = {f.name: extract_case(f) for f in folders}
    for f in reversed(folders):  # each now read after the others
        after = extract_case(f)
        assert after.equals(alone[f.name]), f.name
