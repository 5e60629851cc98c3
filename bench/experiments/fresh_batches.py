"""Two of the intake's second opinions, chosen on fresh batches rather than on the train split:
where the type model (handlers/intake/type_model.py) may overrule the rules and how sure it
must be, and how sure the report model must be to register a message the rules found
nothing in (report_model.REGISTER_ABOVE) instead of leaving it in triage.

The rules were tuned on all of the train split, so out of fold there they look right
nearly everywhere and no second opinion can show what it is worth on new text. Each
round of the corpus, though, was written before any rule was tuned on it. So each
round's train-split lines are read here with the parser *from before that round* (its
commit, checked out in a temporary git worktree, with that commit's report model):

- the type of each real report is scored with the old rules alone and with a type model
  trained on today's train split without that round's files, under each policy: the model
  asked where the rules found no family, also where they found only a weak word, or
  everywhere; its answer taken above each bar (and the shipped policy: above
  type_model.SURE_ABOVE where no family stood, above each bar over a weak word);
- each message the old parser sent to triage is counted, report or not, by how sure the
  old report model was of it (what registering above a bar would have registered), and
  likewise each it dropped as chatter (what a lower doubt threshold would have caught) and
  each it registered (what doubting a registration the model disbelieves would have held).

Needs the git history (a clone, not an unpacked archive). Takes a few minutes.

Run: .venv/bin/python bench/experiments/fresh_batches.py [--keep-above 0.1 0.2]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.intake_accuracy import CORPUS, split_of  # noqa: E402
from bench.train_type_model import examples, train_averaged  # noqa: E402
from handlers.intake import type_model  # noqa: E402
from handlers.intake.parser import INCIDENT_TYPES, normalise  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402

# Each round: the commit that added its files, before any rule was tuned on them and before
# the report and place models were retrained on them (so its train lines are new to both),
# and its files.
ROUNDS = (
    ("7", "36e8345", ("en-factory", "zh-aqua", "zh-reservoir", "zh-rider", "zh-school")),
    ("8", "7c4e4f2", ("en-expat", "zh-construction", "zh-elder", "zh-grid", "zh-police")),
    ("9", "0381152", ("mixed-abbrev", "zh-agri", "zh-dialect", "zh-energy", "zh-hospital", "zh-mall",
                      "zh-repost", "zh-scenic", "zh-transport", "zh-volunteer")),
    ("10", "2128a35", ("en-mixed-crew", "zh-cantonese", "zh-city", "zh-kids", "zh-longform", "zh-night",
                       "zh-teen", "zh-typhoon", "zh-winter", "zh-women")),
    # (its files were added in a2b46a1 with the models retrained; 2ccced1 is the code before)
    ("11", "2ccced1", ("zh-mine", "zh-island", "zh-stream", "en-radio", "en-sport", "mixed-pinyin")),
    # (the code of the session that added it, as for round 11: neither second opinion in)
    ("12", "2ccced1", ("zh-banquet", "zh-logistics", "zh-highway", "en-notice", "mixed-alarm", "en-guide")),
    # (the code and models before its files came in, with both second opinions)
    ("13", "0f9c0ea", ("zh-rail", "zh-aviation", "zh-signer", "zh-tally", "en-ferry", "en-campus", "zh-fuel",
                       "zh-animal")),
    # (the code and models before its files came in)
    ("14", "8fc9c6a", ("zh-taiwan", "zh-outdoor", "zh-beidou", "en-translated")),
    ("15", "ff2b337", ("zh-headcount", "en-headcount", "zh-asking", "mixed-revised")),
    ("16", "7ce4297", ("zh-property", "en-dispatch", "zh-social", "mixed-codeswitch")),
    ("17", "fde70a5", ("zh-nightlife", "zh-rarekinds", "en-hotel", "zh-voicelong")),
    ("18", "1191feb", ("zh-leaders", "zh-festival", "en-parents", "zh-ime")),
    ("19", "8b9573a", ("zh-sanitation", "zh-taxi", "zh-figures", "en-seafarers")),
    ("20", "f3c4f03", ("zh-handwriting", "mixed-korean", "zh-homestay", "zh-netspeak")),
    ("21", "082f989", ("zh-nuclear", "zh-seafood", "en-ngo", "zh-livestream")),
    # (read before its files came in with 76a6a77 too: the round-21 rules gained it one casualty line)
    ("22", "7cb9512", ("zh-villagedoc", "zh-windfarm", "zh-bus", "en-agent")),
    ("23", "293c693", ("zh-pool", "zh-courier", "zh-hotelfront", "mixed-japanese")),
    # (read with f4c61af too, before the rules written from older rounds' train lines that
    # afternoon: the same on every field)
    ("24", "ceffa2f", ("zh-market", "zh-temple", "en-trucker", "zh-weatherman")),
    ("25", "a4feac8", ("zh-firestation", "zh-ambulance", "en-offshore", "zh-carehome")),
    ("26", "21108d5", ("zh-liftcrew", "mixed-russian", "zh-broadcast", "zh-schoolbus")),
    ("27", "debf0f1", ("zh-northeast", "zh-militia", "zh-tunnel", "en-retiree")),
    ("28", "22214f5", ("zh-drone", "zh-insurer", "zh-sichuan", "en-surf")),
    ("29", "0e92ddf", ("zh-ferry", "zh-dance", "zh-guard", "en-hiker")),
    ("30", "08f7386", ("zh-dutyoffice", "zh-public", "en-dutyofficer", "mixed-bilingual")),
    ("31", "48ca253", ("zh-fisheries", "zh-telecom", "zh-parents", "en-windfarm")),
    ("32", "ecaf02d", ("zh-factorysafety", "zh-roadpatrol", "en-hotelstaff", "zh-villagecadre")),
)
# The confidence the parser gives its type: no family, a weak word, a strong one.
NO_FAMILY, WEAK, STRONG = 0.4, 0.7, 0.9
POLICIES = {"no family": {NO_FAMILY}, "no or weak family": {NO_FAMILY, WEAK}, "always": {NO_FAMILY, WEAK, STRONG}}
BARS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)

REGISTER_BARS = (0.9, 0.95, 0.98, 0.99, 0.999)
DOUBT_BARS = (0.01, 0.05, 0.1, 0.2, 0.3)
DROPPED_BARS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)

# Run inside the old commit's worktree: its parser's answers and its report model's per line.
_READ_WITH_OLD_PARSER = """
import json, sys
from handlers.intake.parser import normalise, parse_report
from handlers.intake.report_model import report_probability
for line in sys.stdin:
    row = json.loads(line)
    parsed = parse_report(row["text"])
    print(json.dumps({"id": row["id"], "is_report": parsed.is_report, "doubtful": parsed.doubtful,
                      "type": parsed.type, "type_confidence": parsed.confidence.type,
                      "report_confidence": parsed.confidence.is_report, "language": parsed.language,
                      "report_probability": report_probability(normalise(row["text"]).lower())}))
"""


def old_readings(commit: str, rows: list[dict[str, Any]], script: str = _READ_WITH_OLD_PARSER) -> dict[str, dict[str, Any]]:
    """Each row's reading by `script` (it reads JSON rows on stdin, prints one JSON line each),
    run in a temporary worktree of `commit`."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), commit], cwd=ROOT, check=True)
        try:
            done = subprocess.run([sys.executable, "-c", script], cwd=tree, check=True,
                                  input="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                  capture_output=True, text=True, env={"PYTHONPATH": str(tree), "PATH": ""})
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
    return {d["id"]: d for d in map(json.loads, done.stdout.splitlines())}


def score_round(corpus: dict[str, list[dict[str, Any]]], files: tuple[str, ...], commit: str,
                keep_above: float) -> dict[Any, int]:
    fresh_lines = [r for stem in files for r in corpus[stem] if split_of(r["id"]) == "train"]
    fresh = [r for r in fresh_lines if r["expected"]["is_report"]]
    known = [r for stem, rows in corpus.items() if stem not in files for r in rows
             if split_of(r["id"]) == "train" and r["expected"]["is_report"]]
    model = type_model.by_feature(INCIDENT_TYPES, *train_averaged(examples(known), keep_above))
    old = old_readings(commit, fresh_lines)
    right: dict[Any, int] = {"reports": len(fresh), "rules": 0, "model alone": 0}
    for row in fresh:
        want, read = row["expected"]["type"], old[row["id"]]
        chances = type_model.probabilities(model, normalise(row["text"]).lower())
        best = max(chances, key=chances.__getitem__)
        right["rules"] += read["type"] == want
        right["model alone"] += best == want
        for name, asked in POLICIES.items():
            for bar in BARS:
                taken = read["is_report"] and read["type_confidence"] in asked and chances[best] >= bar
                right[name, bar] = right.get((name, bar), 0) + ((best if taken else read["type"]) == want)
        for bar in BARS:  # where the rules found no family the shipped bar, where they found one this bar
            own_bar = type_model.SURE_ABOVE if read["type_confidence"] == NO_FAMILY else bar
            taken = read["is_report"] and chances[best] >= own_bar
            key = (f"no family above {type_model.SURE_ABOVE}, a family", bar)
            right[key] = right.get(key, 0) + ((best if taken else read["type"]) == want)
            # …and a weak word above this bar, a strong word never overruled (the shipped policy)
            taken = taken and read["type_confidence"] in (NO_FAMILY, WEAK)
            key = (f"no family above {type_model.SURE_ABOVE}, a weak word", bar)
            right[key] = right.get(key, 0) + ((best if taken else read["type"]) == want)
    for row in fresh_lines:
        read = old[row["id"]]
        if read["doubtful"]:
            for bar in REGISTER_BARS:
                if read["report_probability"] > bar:
                    key = ("triage above", bar, read["language"],
                           "report" if row["expected"]["is_report"] else "not a report")
                    right[key] = right.get(key, 0) + 1
        elif not read["is_report"]:
            for bar in DROPPED_BARS:
                if read["report_probability"] > bar:
                    key = ("dropped above", bar, "report" if row["expected"]["is_report"] else "not a report")
                    right[key] = right.get(key, 0) + 1
        elif read["is_report"]:
            for bar in DOUBT_BARS:
                if read["report_probability"] < bar:
                    key = ("registered below", bar, read["report_confidence"],
                           "report" if row["expected"]["is_report"] else "not a report")
                    right[key] = right.get(key, 0) + 1
    return right


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-above", type=float, nargs="+", default=[0.1])
    args = parser.parse_args()
    corpus = {path.stem: load(path) for path in sorted(CORPUS.glob("*.jsonl"))}
    for keep_above in args.keep_above:
        total: dict[Any, int] = {}
        for name, commit, files in ROUNDS:
            right = score_round(corpus, files, commit, keep_above)
            print(f"round {name} ({commit}): {right['reports']} train-split reports, rules {right['rules']}, "
                  f"model alone {right['model alone']}, model where no family above 0.6 {right['no family', 0.6]}")
            for key, count in right.items():  # (a key one round lacks must not drop the others' counts)
                total[key] = total.get(key, 0) + count
        print(f"weights kept above {keep_above}: {total.pop('reports')} reports, type right")
        for key, count in ((k, v) for k, v in total.items() if k[0] not in ("triage above", "registered below", "dropped above")):
            label = key if isinstance(key, str) else f"{key[0]}, above {key[1]}"
            print(f"  {label:<32} {count}")
        print("messages the old parser sent to triage, by the old report model's answer:")
        for language in ("zh", "en"):
            for bar in REGISTER_BARS:
                print(f"  {language}, above {bar:<6} {total.get(('triage above', bar, language, 'report'), 0):>4} "
                      f"reports, {total.get(('triage above', bar, language, 'not a report'), 0):>3} not")
        print("messages the old parser dropped as chatter, by the old report model's answer:")
        for bar in DROPPED_BARS:
            print(f"  above {bar:<4} {total.get(('dropped above', bar, 'report'), 0):>4} reports, "
                  f"{total.get(('dropped above', bar, 'not a report'), 0):>4} not")
        print("messages the old parser registered, by its own confidence and the old report model's answer:")
        for sure in (0.7, 0.9):
            for bar in DOUBT_BARS:
                print(f"  rules {sure}, model below {bar:<5} {total.get(('registered below', bar, sure, 'report'), 0):>4} "
                      f"reports, {total.get(('registered below', bar, sure, 'not a report'), 0):>3} not")
    return 0


if __name__ == "__main__":
    sys.exit(main())
