"""The HTML report: one self-contained page a CI system can publish (inline CSS, no script, no link out).

It shows the system under test, the totals, each group with its counts and time, each test with its
outcome and duration, and for every failed or errored test (or unexpected pass): the message, the
traceback, the HTTP exchanges the witness saw — in full (method, URL, status, headers, bodies cut to
:data:`BODY_SHOWN` characters) for those that failed (4xx/5xx or no answer), else for the last one —
and the AMQP events seen during the test (direction, exchange, routing key, payload excerpt). Every
text goes through :func:`html.escape` after the :class:`~rackharness.reports.redact.Scrubber` masked
its secrets.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path
from typing import Any

from rackharness.reports.junit import ReportWriteError
from rackharness.reports.record import TALLIES, RunRecord, TestRecord, Totals
from rackharness.reports.redact import Scrubber

#: characters of a body shown (after redaction)
BODY_SHOWN = 4096
#: characters of an event's payload shown
EVENT_SHOWN = 400
#: exchanges shown in full per failed test (the failing ones, most recent last)
EXCHANGES_IN_FULL = 3

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em;color:#1b1f23;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd}
h3{font-size:1em;margin:1em 0 .3em}table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f4f5f7}td.num{text-align:right}pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.5em;
overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:.85em;max-height:40em}
.passed{color:#176f2c}.failed,.error,.unexpected-pass{color:#b31d28;font-weight:bold}
.skipped{color:#735c0f}.known-difference{color:#5a32a3}.badge{display:inline-block;padding:.1em .6em;
border-radius:.8em;margin-right:.4em;background:#f4f5f7;font-weight:bold}
.problem{border-left:4px solid #b31d28;padding-left:.8em;margin:1.2em 0}.muted{color:#6a737d}
details{margin:.3em 0}summary{cursor:pointer;font-family:monospace}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _duration(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def _outcome(record: TestRecord) -> str:
    return f'<span class="{_e(record.outcome.value)}">{_e(record.outcome.value)}</span>'


def _counts_cells(totals: Totals) -> str:
    return "".join(f'<td class="num">{totals.counts[t]}</td>' for t in TALLIES)


def _system(run: RunRecord, scrub: Scrubber) -> str:
    system = run.system
    if system is None:
        return '<p class="muted">The system under test was not reported.</p>'
    rows = [
        ("System under test", system.what),
        ("Mode", system.mode),
        ("Provider", system.provider),
        ("API", system.api_url),
        ("Target from", system.source),
        ("Record mode", system.record_mode),
    ]
    body = "".join(f"<tr><th>{_e(name)}</th><td>{_e(scrub.text(value))}</td></tr>" for name, value in rows if value)
    return f"<table>{body}</table>"


def _totals(run: RunRecord) -> str:
    totals = run.totals()
    badges = "".join(
        f'<span class="badge {cls}">{totals.counts[t]} {_e(label)}</span>'
        for t, cls, label in (
            ("passed", "passed", "passed"),
            ("failed", "failed", "failed"),
            ("skipped", "skipped", "skipped"),
            ("known", "known-difference", "known differences"),
        )
    )
    started = run.started.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if run.started else ""
    return (
        f"<p>{badges}</p><p>{totals.tests} tests in {_e(_duration(run.duration))}"
        f"{' (summed test time ' + _e(_duration(totals.duration)) + ')' if totals.tests else ''}"
        f"{', started ' + _e(started) if started else ''}.</p>"
    )


def _groups(run: RunRecord) -> str:
    head = "<tr><th>Group</th>" + "".join(f"<th>{_e(t)}</th>" for t in TALLIES) + "<th>Time</th></tr>"
    rows = "".join(
        f'<tr><td><a href="#group-{_e(group)}">{_e(group)}</a></td>{_counts_cells(totals)}'
        f'<td class="num">{_e(_duration(totals.duration))}</td></tr>'
        for group, totals in run.by_group().items()
    )
    return f"<table>{head}{rows}</table>"


def _failed_exchange(exchange: Any) -> bool:
    return exchange.status is None or exchange.status >= 400


def _headers(headers: list[tuple[str, str]]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers)


def exchange_html(exchange: Any, scrub: Scrubber) -> str:
    """One exchange in full: request line, headers, body; status, headers, body."""
    request = f"{exchange.method} {scrub.url(exchange.url)}"
    if exchange.request_headers:
        request += "\n" + _headers(scrub.headers(exchange.request_headers))
    if exchange.request_body is not None:
        request += "\n\n" + scrub.body(exchange.request_body, BODY_SHOWN)
    if exchange.status is None:
        response = f"no answer ({scrub.text(exchange.error)})" if exchange.error else "no answer"
    else:
        response = f"HTTP {exchange.status}"
        if exchange.response_headers:
            response += "\n" + _headers(scrub.headers(exchange.response_headers))
        if exchange.response_body:
            response += "\n\n" + scrub.body(exchange.response_body, BODY_SHOWN, truncated=exchange.response_truncated)
    return (
        f'<div class="exchange"><h4>Request <span class="muted">({_e(f"{exchange.duration * 1000:.0f} ms")})'
        f"</span></h4><pre>{_e(request)}</pre><h4>Response</h4><pre>{_e(response)}</pre></div>"
    )


def _exchanges(record: TestRecord, scrub: Scrubber) -> str:
    if not record.exchanges:
        return '<p class="muted">No HTTP request was witnessed during this test.</p>'
    failing = [x for x in record.exchanges if _failed_exchange(x)] or record.exchanges[-1:]
    shown = failing[-EXCHANGES_IN_FULL:]
    items = "".join(
        f"<li><code>{_e(x.method)} {_e(scrub.url(x.url))}</code> → "
        f"{_e(x.status if x.status is not None else 'no answer')}</li>"
        for x in record.exchanges
    )
    full = "".join(exchange_html(x, scrub) for x in shown)
    label = "failed" if any(_failed_exchange(x) for x in shown) else "last"
    return (
        f"<h3>HTTP exchanges ({len(record.exchanges)} witnessed, most recent last)</h3><ol>{items}</ol>"
        f"<h3>The {label} exchange{'s' if len(shown) > 1 else ''} in full</h3>{full}"
    )


def _events(record: TestRecord, scrub: Scrubber) -> str:
    if not record.events:
        return ""
    rows = "".join(
        f"<tr><td>{_e(ev.direction)}</td><td>{_e(ev.exchange)}</td><td><code>{_e(ev.routing_key)}</code>"
        f"</td><td><pre>{_e(scrub.body(ev.body, EVENT_SHOWN))}</pre></td></tr>"
        for ev in record.events
    )
    return (
        f"<h3>AMQP events ({len(record.events)})</h3><table><tr><th>Direction</th><th>Exchange</th>"
        f"<th>Routing key</th><th>Payload (excerpt)</th></tr>{rows}</table>"
    )


def problem_html(record: TestRecord, scrub: Scrubber) -> str:
    """A failed test in full: where, what it checks, the message, the traceback, exchanges, events."""
    anchor = f"test-{record.id}"
    meta = " · ".join(_e(part) for part in (record.group, record.source, _duration(record.duration)) if part)
    parts = [
        f'<div class="problem" id="{_e(anchor)}"><h3>{_outcome(record)} <code>{_e(record.id)}</code></h3>',
        f'<p class="muted">{meta}</p>',
    ]
    if record.description:
        parts.append(f"<p>{_e(record.description)}</p>")
    if record.message:
        parts.append(f"<p><strong>{_e(scrub.text(record.message))}</strong></p>")
    if record.details:
        parts.append(f"<details open><summary>Traceback</summary><pre>{_e(scrub.text(record.details))}</pre></details>")
    parts += [_exchanges(record, scrub), _events(record, scrub), "</div>"]
    return "".join(parts)


def _all_tests(run: RunRecord, scrub: Scrubber) -> str:
    sections = []
    for group, totals in run.by_group().items():
        rows = []
        for record in run.in_group(group):
            name = f'<a href="#{_e("test-" + record.id)}">{_e(record.id)}</a>' if record.outcome.bad else _e(record.id)
            note = scrub.text(record.message) if record.message and not record.outcome.bad else ""
            rows.append(
                f"<tr><td><code>{name}</code>{'<br><span class=muted>' + _e(record.description) + '</span>' if record.description else ''}"
                f'</td><td>{_outcome(record)}</td><td class="num">{_e(f"{record.duration:.3f} s")}</td>'
                f"<td>{_e(note)}</td></tr>"
            )
        sections.append(
            f'<h3 id="group-{_e(group)}">{_e(group)} <span class="muted">({_e(totals.phrase())} in '
            f"{_e(_duration(totals.duration))})</span></h3><table><tr><th>Test</th><th>Outcome</th>"
            f"<th>Time</th><th>Note</th></tr>{''.join(rows)}</table>"
        )
    return "".join(sections)


def render_html(run: RunRecord, scrub: Scrubber | None = None, title: str = "rackharness test report") -> str:
    """The whole page."""
    scrub = scrub or Scrubber()
    scrub.learn_run(run)
    problems = run.problems
    headline = run.system.headline() if run.system is not None else "system under test not known"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1><p>{_e(scrub.text(headline))}</p>",
        "<h2>System under test</h2>",
        _system(run, scrub),
        "<h2>Totals</h2>",
        _totals(run),
        "<h2>Groups</h2>",
        _groups(run),
    ]
    parts.append(f"<h2>Failures ({len(problems)})</h2>")
    parts.append("".join(problem_html(record, scrub) for record in problems) or "<p>No test failed.</p>")
    parts += ["<h2>Every test</h2>", _all_tests(run, scrub), "</body></html>"]
    return "\n".join(parts) + "\n"


def write_html(run: RunRecord, path: Path, scrub: Scrubber | None = None) -> Path:
    """Write ``run``'s HTML report to ``path``; returns it."""
    try:
        path.write_text(render_html(run, scrub), encoding="utf-8")
    except OSError as exc:
        raise ReportWriteError(
            f"HTML report {path}: {exc.strerror or exc}", hint="pass a path in an existing, writable directory"
        ) from exc
    return path
