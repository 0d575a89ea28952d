"""The learner's EXERCISES.md, made from the manifest (and the level's own questions in INTERVIEW.md)."""

from __future__ import annotations

from pathlib import Path

from scaffolder.bank import level_questions
from scaffolder.manifest import Manifest
from scaffolder.questions import QUESTIONS

EXERCISES_DOC = "EXERCISES.md"


def own_questions(interview: str) -> dict[int, list[str]]:
    """Exercise number -> the level's own questions of INTERVIEW.md whose heading names that exercise."""
    found: dict[int, list[str]] = {}
    for question, _answer, numbers in level_questions(interview):
        for number in numbers:
            found.setdefault(number, []).append(question)
    return found


def exercises_markdown(manifest: Manifest, project_dir: Path) -> str:
    """The learner's EXERCISES.md: instructions and criteria, never the hints."""
    interview = project_dir / "INTERVIEW.md"
    has_answers = interview.is_file()
    extra = own_questions(interview.read_text(encoding="utf-8")) if has_answers else {}
    lines = [
        f"# Exercises: {manifest.title}",
        "",
        manifest.summary,
        "",
        "Work through the exercises in order: each one builds on those before it.",
        "After each change run `scaffolder check` to see which exercises pass and why the",
        "current one does not. Stuck? `scaffolder hint` reveals a hint for the current",
        "exercise, one at a time. `python -m pytest` runs the same tests without scaffolder.",
        "",
        *([manifest.introduction, ""] if manifest.introduction else []),
        "| # | Exercise | Difficulty |",
        "|---|----------|------------|",
    ]
    lines += [f"| {e.number} | {e.title} (`{e.slug}`) | {e.difficulty} |" for e in manifest.exercises]
    for exercise in manifest.exercises:
        files = ", ".join(f"`{name}`" for name in exercise.files)
        lines += [
            "",
            f"## {exercise.number}. {exercise.title}",
            "",
            f"Slug: `{exercise.slug}` · Difficulty: {exercise.difficulty} · Files: {files}",
            "",
            exercise.instructions,
            "",
            *(
                ["**Interface** (what the tests call: keep these names)", ""]
                + [f"- `{entry}`" for entry in exercise.interface]
                + [""]
                if exercise.interface
                else []
            ),
            "**Done when**",
            "",
            *(f"- {criterion}" for criterion in exercise.acceptance),
            "",
            "**Read more:** " + " · ".join(f"[{title}]({url})" for title, url in exercise.docs),
        ]
        if exercise.questions or extra.get(exercise.number):
            suffix = " Model answers are in INTERVIEW.md." if has_answers else ""
            lines += ["", f"**Interview questions this prepares you for.**{suffix}", ""]
            lines += [f"- Q{number}. {QUESTIONS[number]}" for number in exercise.questions]
            lines += [f"- {question}" for question in extra.get(exercise.number, [])]
    return "\n".join(lines) + "\n"
