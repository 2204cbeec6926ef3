"""A schemathesis check: hostile request bodies are refused as the OpenAPI document says.

docs/openapi.json documents hostile bodies (a DOCTYPE with an external entity, nesting beyond the
depth limit, XML that is not well-formed) as named request-body examples of `POST /v1/documents`
and `POST /v1/certificates`, and the problem the gateway answers each one with as an example of
the same name in an error answer (`400`). schemathesis' examples phase sends the request examples;
this check requires each one's answer there to have that status and that problem `type`, and,
once the run is over, that every such example was sent and checked.

Load it with `SCHEMATHESIS_HOOKS=scripts/schemathesis/documented_refusals.py` and add
`documented_refusals` to `--checks`. With `SWGATE_DOCUMENTED_REFUSALS_REPORT` set to a file, the
pairs checked are written there, one `operationId example` per line.
"""

import json
import os

import schemathesis


def _resolve(document, node):
    """`node` with local `$ref`s (`#/...`) followed."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def refusals_of(document, operation):
    """{example name: (request body bytes, status, problem type)} for one operation: the request
    examples that share their name with an example of an error answer."""
    answers = {}
    for status, response in operation.get("responses", {}).items():
        if not str(status).isdigit() or int(status) < 400:
            continue
        for content in _resolve(document, response).get("content", {}).values():
            for name, example in content.get("examples", {}).items():
                value = _resolve(document, example).get("value")
                if isinstance(value, dict) and "type" in value:
                    answers[name] = (int(status), value["type"])
    refusals = {}
    body = _resolve(document, operation.get("requestBody", {}))
    for content in body.get("content", {}).values():
        for name, example in content.get("examples", {}).items():
            value = _resolve(document, example).get("value")
            if name in answers and isinstance(value, str):
                refusals[name] = (value.encode("utf-8"), *answers[name])
    return refusals


def _sent_body(response):
    body = response.request.body
    if isinstance(body, str):
        return body.encode("utf-8")
    return body or b""


@schemathesis.check
class documented_refusals:
    """Every request example with a documented refusal is answered with that refusal."""

    def __init__(self):
        self.documented = set()
        self.checked = set()

    def after_response(self, ctx, response, case):
        # Only the examples phase sends an example as documented; the other phases may send the same
        # body with a header that is refused first (a generated `Idempotency-Key` of 300 characters).
        meta = case.meta
        if meta is None or meta.phase.name != "examples" or meta.generation.mode != "positive":
            return
        document = case.operation.schema.raw_schema
        operation = _resolve(document, case.operation.definition.raw)
        label = operation.get("operationId") or case.operation.label
        refusals = refusals_of(document, operation)
        self.documented.update((label, name) for name in refusals)
        sent = _sent_body(response)
        for name, (body, status, problem) in refusals.items():
            if sent != body:
                continue
            try:
                answer = json.loads(response.content)
            except ValueError:
                answer = {}
            found = (response.status_code, answer.get("type") if isinstance(answer, dict) else None)
            if found != (status, problem):
                raise AssertionError(
                    f"{label}: the documented example {name!r} was answered {found[0]} {found[1]}, "
                    f"documented {status} {problem}"
                )
            self.checked.add((label, name))

    def after_run(self, ctx):
        report = os.environ.get("SWGATE_DOCUMENTED_REFUSALS_REPORT")
        if report:
            with open(report, "w", encoding="utf-8") as file:
                file.writelines(f"{label} {name}\n" for label, name in sorted(self.checked))
        missing = self.documented - self.checked
        if missing:
            raise AssertionError(
                "documented refusals never sent or never checked: "
                + ", ".join(f"{label} {name}" for label, name in sorted(missing))
            )
