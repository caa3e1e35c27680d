"""The CI time budget is set once (stack.sh's budget_* variables) and shown twice (.ci/run, README.md):
the three agree, every stage's command takes its budget from its variable, and .ci/run's cap is its total."""

import re
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stack_sh_budgets() -> dict[str, int]:
    text = (ROOT / "stack.sh").read_text(encoding="utf-8")
    return {name: int(value) for name, value in re.findall(r"^budget_(\w+)=(\d+)\b", text, re.MULTILINE)}


def ci_run_table() -> dict[str, int]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return {name: int(value) for name, value in re.findall(r"^#\s+(\w+)\s+(\d+) s\b", text, re.MULTILINE)}


def readme_table() -> dict[str, int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {name: int(value) for name, value in re.findall(r"^\| (\w+) \| (\d+) s \|", text, re.MULTILINE)}


class TimeBudgetTest(unittest.TestCase):
    def test_stack_sh_sets_every_stage_budget(self):
        budgets = stack_sh_budgets()
        for stage in ("harness", "isolated", "replay", "stack_up", "stack_suite", "pythons", "lint"):
            self.assertIn(stage, budgets)

    def test_ci_run_and_readme_show_what_stack_sh_sets(self):
        total = {"total": ci_run_table().get("total")}
        self.assertEqual(ci_run_table(), {**stack_sh_budgets(), **total}, ".ci/run's header table")
        self.assertEqual(readme_table(), {**stack_sh_budgets(), **total}, "README.md's time budget table")

    def test_ci_run_caps_the_run_at_its_total_within_45_minutes(self):
        text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        cap = int(re.search(r"^budget_total=(\d+)$", text, re.MULTILINE).group(1))
        self.assertEqual(cap, ci_run_table()["total"])
        self.assertLessEqual(cap, 45 * 60)
        self.assertIn('timeout --kill-after=30 "$budget_total"', text)

    def test_every_stage_command_takes_its_budget_from_its_variable(self):
        text = (ROOT / "stack.sh").read_text(encoding="utf-8")
        literal = re.findall(r"\btimeout (?:--kill-after=\d+ )?\d+\b", text)
        self.assertEqual(literal, [], "a stage timeout written as a number: use a budget_* variable")
        used = set(re.findall(r'\btimeout (?:--kill-after=\d+ )?"\$budget_(\w+)"', text))
        self.assertEqual(used, set(stack_sh_budgets()))
