"""Files (on-http ``lib/api/2.0/files.js``, ``file-service.js``, the ``Files.FS`` back end; model on-core
``lib/models/file.js``): raw uploads stored under a name.

* ``PUT /files/{name}`` (any body, stored byte for byte) → 201, the stored file's record. Each PUT
  stores a new entry, as RackHD does: a new ``uuid`` and ``filename`` ``<basename>_<uuid>``; the
  older entries of that name stay listed and fetchable by uuid. RackHD answers with the newest
  entry of the name (``getFileMetadata``), which is the one just stored.
* A record (the model's ``toJSON``): ``{basename, filename, uuid, md5, sha256, version}``
  (md5 and sha256 as hex, version always 0).
* ``GET /files`` → every record, oldest first; ``GET /files/static/list`` → ``[]`` (the static
  files RackHD serves from disk; the target serves none).
* ``GET /files/{fileidentifier}`` → the bytes (``application/octet-stream``) of that uuid, or of
  the newest entry of that name.
* ``GET /files/{name}/md5`` → the newest entry's md5 as a JSON string (view ``files.md5.2.0.json``);
  ``GET /files/{name}/metadata`` → its record. Both look the name up, never a uuid.
* ``DELETE /files/{uuid}`` → 204; RackHD deletes by uuid only, so a name is 404.
* 404 for anything not stored (messages name the identifier; RackHD's say ``Failed to serve file
  request: File not found in database``).

Stored in the ``files`` collection: the record plus ``contents`` (base64), ``size``, ``createdAt`` and
``updatedAt``. Beyond RackHD, which streams to disk: a body over :data:`MAX_BYTES` (a Mongo document's
limit, less room for the record) is refused with 413.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
import uuid
from typing import Any

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError, now
from rackharness.reference.http import json_response, no_content

FILES = "files"
RECORD_FIELDS = ("basename", "filename", "uuid", "md5", "sha256", "version")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
MAX_BYTES = 12 * 1024 * 1024  # base64 makes it 16 MB, a Mongo document's limit
OLDEST_FIRST = [("createdAt", 1), ("_id", 1)]


def file_record(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: stored.get(key) for key in RECORD_FIELDS}


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("files", __name__)
    files = ctx.db[FILES]

    def newest(basename: str) -> dict[str, Any]:
        found = list(files.find({"basename": basename}).sort([("createdAt", -1), ("_id", -1)]).limit(1))
        if not found:
            raise ApiError(404, f"File not found: {basename}")
        return found[0]

    @bp.get("/files")
    def list_files():
        return json_response([file_record(stored) for stored in files.find().sort(OLDEST_FIRST)])

    @bp.get("/files/static/list")
    def list_static_files():
        return json_response([])

    @bp.put("/files/<fileidentifier>")
    def put_file(fileidentifier: str):
        contents = request.get_data()
        if len(contents) > MAX_BYTES:
            raise ApiError(
                413,
                f"file too large for the reference target: {len(contents)} bytes",
                errors=[f"the target keeps files in Mongo; at most {MAX_BYTES} bytes"],
            )
        file_id = str(uuid.uuid4())
        basename = posixpath.basename(fileidentifier)
        stamp = now()
        stored = {
            "basename": basename,
            "filename": f"{basename}_{file_id}",
            "uuid": file_id,
            "md5": hashlib.md5(contents).hexdigest(),
            "sha256": hashlib.sha256(contents).hexdigest(),
            "version": 0,
            "size": len(contents),
            "contents": base64.b64encode(contents).decode("ascii"),
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        files.insert_one(stored)
        return json_response(file_record(stored), 201)

    @bp.get("/files/<fileidentifier>")
    def get_file(fileidentifier: str):
        stored = files.find_one({"uuid": fileidentifier.lower()}) if UUID.match(fileidentifier) else None
        if stored is None:
            stored = newest(fileidentifier)
        return Response(base64.b64decode(stored["contents"]), mimetype="application/octet-stream")

    @bp.get("/files/<filename>/md5")
    def get_md5(filename: str):
        return json_response(newest(filename)["md5"])

    @bp.get("/files/<filename>/metadata")
    def get_metadata(filename: str):
        return json_response(file_record(newest(filename)))

    @bp.delete("/files/<fileidentifier>")
    def delete_file(fileidentifier: str):
        if files.delete_one({"uuid": fileidentifier.lower()}).deleted_count == 0:
            raise ApiError(404, f"File not found: {fileidentifier}", errors=["files are deleted by their uuid"])
        return no_content()

    return bp
