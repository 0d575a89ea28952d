"""The take-home report, as Markdown and as one self-contained HTML page with a timeline (no network, no script)."""

from __future__ import annotations

from html import escape

from scaffolder.interview import ReportFacts


def _when(minutes: float | None) -> str:
    if minutes is None:
        return "never within the time"
    seconds = int(minutes * 60)  # whole seconds, as a stopwatch shows them
    return f"{seconds // 60} min {seconds % 60:02d} s"


def _ending(facts: ReportFacts) -> str:
    attempt = facts.attempt
    how = "handed in" if attempt.ended_by == "submit" else "ended when the time ran out"
    return f"{how} after {_when(facts.used_minutes)} of {attempt.minutes} minutes"


def report_markdown(facts: ReportFacts) -> str:
    attempt, manifest = facts.attempt, facts.manifest
    passing = sum(o.passes for o in facts.outcomes)
    lines = [
        f"# Take-home report: {manifest.title}",
        "",
        f"Started {attempt.start:%Y-%m-%d %H:%M} UTC; {_ending(facts)}. Seed {attempt.seed}.",
        "",
        f"## Result: {passing} of {len(facts.outcomes)} tasks pass",
        "",
        "| Task | Passes | First passed after | Hints taken |",
        "|---|---|---|---|",
    ]
    for o in facts.outcomes:
        lines.append(
            f"| {o.exercise.number}. {o.exercise.title} | {'yes' if o.passes else 'no'} | "
            f"{_when(o.first_pass_minutes)} | {o.hints} |"
        )
    handed_in = " (the last one when it was handed in)" if facts.attempt.ended_by == "submit" else ""
    lines += ["", f"Checks run: {len(facts.check_minutes)}{handed_in}. The timeline is in the HTML report.", ""]
    lines += ["## Code review", ""]
    lines += [f"- {line}" for line in facts.review] or ["- No findings."]
    lines += ["", "## Questions to answer out loud", ""]
    lines += [f"- Q{number}. {question}" for number, question in facts.questions] or ["- None for these tasks."]
    lines += ["", "Model answers: `scaffolder questions Q`.", "", "## What to practise next", ""]
    lines += [f"- {line}" for line in facts.practise_next]
    return "\n".join(lines) + "\n"


# The timeline: one row per task, minutes across; a bar from the start to the first pass,
# a diamond for each hint taken, a tick for each check along the top.
WIDTH, LEFT, RIGHT, ROW, TOP = 760, 270, 20, 34, 44
LABEL = 38  # characters of a task's title shown beside its row (the whole title is its tooltip)


def zoomed_in(facts: ReportFacts) -> bool:
    """Whether the chart is drawn over the time used instead of the whole allowance: a
    take-home handed in early, whose events would otherwise crowd the left edge."""
    return facts.used_minutes < facts.attempt.minutes / 2


def timeline_svg(facts: ReportFacts) -> str:
    attempt = facts.attempt
    # Zoomed, the time limit lies beyond the right edge: the caption under the chart says so.
    zoomed = zoomed_in(facts)
    span = max(facts.used_minutes * 1.1, 2) if zoomed else max(attempt.minutes, facts.used_minutes, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(minutes: float) -> float:
        return round(LEFT + plot * min(minutes, span) / span, 1)

    height = TOP + ROW * len(facts.outcomes) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'role="img" aria-labelledby="timeline-title">',
        '<title id="timeline-title">Timeline of the take-home: checks, hints and first passes by minute</title>',
        f'<text x="{LEFT - 8}" y="{TOP - 18}" text-anchor="end" class="label">checks</text>',
    ]
    for minute, count in facts.check_minutes:
        colour = "#2e7d32" if count == len(facts.outcomes) else "#90a4ae"
        parts.append(
            f'<line x1="{x(minute)}" x2="{x(minute)}" y1="{TOP - 28}" y2="{TOP - 12}" stroke="{colour}" '
            f'stroke-width="2"><title>check at {_when(minute)}: {count} passing</title></line>'
        )
    for row, o in enumerate(facts.outcomes):
        y = TOP + row * ROW + ROW / 2
        title = f"{o.exercise.number}. {o.exercise.title}"
        shown = title if len(title) <= LABEL else title[: LABEL - 1] + "…"
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" class="label">'
            f"<title>{escape(title)}</title>{escape(shown)}</text>"
        )
        end = o.first_pass_minutes if o.first_pass_minutes is not None else min(facts.used_minutes, span)
        colour = "#c8e6c9" if o.first_pass_minutes is not None else "#ffcdd2"
        parts.append(
            f'<rect x="{LEFT}" y="{y - 8}" width="{max(x(end) - LEFT, 1)}" height="16" fill="{colour}" rx="3"/>'
        )
        if o.first_pass_minutes is not None:
            parts.append(
                f'<circle cx="{x(o.first_pass_minutes)}" cy="{y}" r="6" fill="#2e7d32">'
                f"<title>first passed at {_when(o.first_pass_minutes)}</title></circle>"
            )
        for minute in o.hint_minutes:
            cx = x(minute)
            parts.append(
                f'<polygon points="{cx},{y - 7} {cx + 6},{y} {cx},{y + 7} {cx - 6},{y}" fill="#ef6c00">'
                f"<title>hint at {_when(minute)}</title></polygon>"
            )
    axis = TOP + ROW * len(facts.outcomes) + 8
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis}" y2="{axis}" stroke="#455a64"/>')
    step = next(n for n in (1, 2, 5, 10, 15, 30, 60) if span / n <= 10)
    for minute in range(0, int(span) + 1, step):
        parts.append(f'<text x="{x(minute)}" y="{axis + 18}" text-anchor="middle" class="label">{minute}′</text>')
    if not zoomed:
        deadline = x(attempt.minutes)
        parts.append(
            f'<line x1="{deadline}" x2="{deadline}" y1="{TOP - 30}" y2="{axis}" stroke="#b71c1c" '
            'stroke-dasharray="4 3"><title>time limit</title></line>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; color: #263238; max-width: 800px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #cfd8dc; }
.yes { color: #2e7d32; font-weight: 600; } .no { color: #b71c1c; font-weight: 600; }
.label { font-size: 12px; fill: #455a64; } .legend span { margin-right: 1.2em; }
.chart { overflow-x: auto; } .chart svg { min-width: 560px; width: 100%; height: auto; }
"""


def _span_caption(facts: ReportFacts) -> str:
    """What the chart's axis covers: the whole allowance, or (handed in early) the time used."""
    attempt = facts.attempt
    if zoomed_in(facts):
        return (
            f"The chart covers the {_when(facts.used_minutes)} used; the time limit, {attempt.minutes} minutes, "
            "lies beyond its right edge."
        )
    return f"The chart covers the time limit of {attempt.minutes} minutes (dashed red line)."


def report_html(facts: ReportFacts) -> str:
    attempt, manifest = facts.attempt, facts.manifest
    passing = sum(o.passes for o in facts.outcomes)
    rows = "\n".join(
        f"<tr><td>{o.exercise.number}. {escape(o.exercise.title)}</td>"
        f'<td class="{"yes" if o.passes else "no"}">{"yes" if o.passes else "no"}</td>'
        f"<td>{_when(o.first_pass_minutes)}</td><td>{o.hints}</td></tr>"
        for o in facts.outcomes
    )

    def items(lines, empty: str) -> str:
        return "\n".join(f"<li>{escape(line)}</li>" for line in lines) or f"<li>{empty}</li>"

    questions = [f"Q{number}. {question}" for number, question in facts.questions]
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Take-home report: {escape(manifest.title)}</title><style>{STYLE}</style></head>
<body>
<h1>Take-home report: {escape(manifest.title)}</h1>
<p>Started {attempt.start:%Y-%m-%d %H:%M} UTC; {escape(_ending(facts))}. Seed {attempt.seed}.</p>
<h2>Result: {passing} of {len(facts.outcomes)} tasks pass</h2>
<table><thead><tr><th>Task</th><th>Passes</th><th>First passed after</th><th>Hints taken</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>Timeline</h2>
<p class="legend"><span>▮ time to first pass (green) or unsolved (red)</span><span>● first pass</span>
<span>◆ hint taken</span><span>| a check: green when every task passed, grey otherwise</span>
<span>┆ time limit</span></p>
<div class="chart">{timeline_svg(facts)}</div>
<p>{escape(_span_caption(facts))}</p>
<h2>Code review</h2><ul>{items(facts.review, "No findings.")}</ul>
<h2>Questions to answer out loud</h2><ul>{items(questions, "None for these tasks.")}</ul>
<h2>What to practise next</h2><ul>{items(facts.practise_next, "")}</ul>
</body></html>
"""
