"""``/docs``: the API reference as one plain HTML page drawn from the app's OpenAPI schema.

FastAPI's own /docs page loads Swagger UI's script and style sheet from a CDN, so on a machine without
internet (a lab server, a cluster node) it shows a blank page. No package of Swagger UI's files is
installed here to serve them locally, so this page is written from the schema itself: every endpoint
with its parameters, request body fields and responses, no script and no external address.
"""

from __future__ import annotations

import html
import json
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with a ``$ref`` into components followed (one level is all FastAPI writes)."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return schema


def _type(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    """A short type name: string, integer, array of string, string or null, the referenced model's title …"""
    if "$ref" in schema:
        return str(_resolve(schema, spec).get("title", schema["$ref"].rsplit("/", 1)[1]))
    if "anyOf" in schema:
        return " or ".join(_type(option, spec) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return "array of " + _type(schema.get("items", {}), spec)
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    if schema.get("contentMediaType") == "application/octet-stream":
        return "file"
    return str(schema.get("type", "any"))


def _fields(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    """Rows of name, type, required, default and description for an object schema's properties."""
    schema = _resolve(schema, spec)
    required = set(schema.get("required", []))
    rows = []
    for name, field in schema.get("properties", {}).items():
        default = json.dumps(field["default"]) if "default" in field else ""
        rows.append(f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(_type(field, spec))}</td>"
                    f"<td>{'yes' if name in required else ''}</td><td>{html.escape(default)}</td>"
                    f"<td>{html.escape(field.get('description', ''))}</td></tr>")
    if not rows:
        return f"<p>{html.escape(_type(schema, spec))}</p>"
    return ("<table><tr><th>field</th><th>type</th><th>required</th><th>default</th><th>description</th></tr>"
            + "".join(rows) + "</table>")


def _operation(path: str, method: str, operation: dict[str, Any], spec: dict[str, Any]) -> str:
    parts = [f'<h3 id="{html.escape(operation.get("operationId", method + path))}"><code>{method.upper()} '
             f'{html.escape(path)}</code> — {html.escape(operation.get("summary", ""))}</h3>']
    if operation.get("description"):
        parts.append(f"<p>{html.escape(operation['description'])}</p>")
    parameters = operation.get("parameters", [])
    if parameters:
        rows = "".join(f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{html.escape(p.get('in', ''))}</td>"
                       f"<td>{html.escape(_type(p.get('schema', {}), spec))}</td><td>{'yes' if p.get('required') else ''}</td>"
                       f"<td>{html.escape(p.get('description', ''))}</td></tr>" for p in parameters)
        parts.append("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>required</th>"
                     f"<th>description</th></tr>{rows}</table>")
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        parts.append(f"<h4>Request body ({html.escape(media)})</h4>{_fields(content.get('schema', {}), spec)}")
    responses = "".join(f"<li><code>{html.escape(code)}</code> {html.escape(response.get('description', ''))}</li>"
                        for code, response in operation.get("responses", {}).items())
    parts.append(f"<h4>Responses</h4><ul>{responses}</ul>")
    return "\n".join(parts)


def docs_html(spec: dict[str, Any]) -> str:
    """The reference page for the OpenAPI document ``spec``: self-contained, no script, no external URL."""
    info = spec.get("info", {})
    operations = [(path, method, item[method]) for path, item in spec.get("paths", {}).items()
                  for method in METHODS if method in item]
    contents = "".join(f'<li><a href="#{html.escape(op.get("operationId", method + path))}"><code>{method.upper()} '
                       f'{html.escape(path)}</code></a></li>' for path, method, op in operations)
    body = "\n".join(_operation(path, method, op, spec) for path, method, op in operations)
    title = html.escape(f"{info.get('title', 'API')} {info.get('version', '')} API")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}} table{{border-collapse:collapse;font-size:13px}}
td,th{{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}} h3{{margin-top:2em}}</style>
</head><body>
<h1>{title}</h1>
<p>{html.escape(info.get('description', ''))}</p>
<p>The machine-readable schema: <a href="/openapi.json">/openapi.json</a> (OpenAPI {html.escape(spec.get('openapi', ''))}).</p>
<ul>{contents}</ul>
{body}
</body></html>
"""
