#!/usr/bin/env python3
"""Record exactly what Huawei's official Python SDK (huaweicloudsdkfrs v2) sends.

A loopback HTTP recorder is started on 127.0.0.1 (random free port); the official
``FrsClient`` is pointed at it and every one of its 35 FRS methods is called once with
fixed inputs (plus one extra ``delete_face_by_external_image_id`` call that pins the
SDK's percent-encoding).  Each raw request is recorded and written, normalised so that
re-running gives a byte-identical file, to

    crates/frs-request/tests/data/official-sdk-requests.json

(relative to the repository root; ``--out PATH`` overrides).

Normalisations (everything else is verbatim):
  * X-Sdk-Date and Authorization values are dropped (only the SignedHeaders list is kept);
  * the random multipart boundary is replaced by ``<boundary>``;
  * the recorder's port in the Host header is replaced by ``<port>``;
  * User-Agent is cut at the first ';' (the rest is OS / python / random app id).

Every recorded Authorization signature is re-verified from the received bytes with an
independent implementation of SDK-HMAC-SHA256 (shared/frs-api/auth.md section 2); any
mismatch aborts the run.  No network access other than 127.0.0.1 is possible: name
resolution is restricted to the loopback address before the SDK is imported.

Run via ``bash tools/record-official/run.sh`` (creates a throw-away venv with the pinned
packages from requirements.txt).
"""

import argparse
import atexit
import base64
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote

# --------------------------------------------------------------------------------------
# Sandbox: done before the SDK is imported.
# --------------------------------------------------------------------------------------

# The SDK writes a random "application id" into ~/.huaweicloud/application_id on import
# (it becomes part of the User-Agent).  Point HOME at a throw-away directory so that
# nothing is read from or written to the real home directory (no credentials/regions
# files are picked up either).
_TMP_HOME = tempfile.mkdtemp(prefix="frs-record-home-")
atexit.register(shutil.rmtree, _TMP_HOME, True)
os.environ["HOME"] = _TMP_HOME
os.environ["USERPROFILE"] = _TMP_HOME
# `requests` trusts the environment: make sure no proxy is used for the loopback calls.
for _k in list(os.environ):
    if _k.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                      "requests_ca_bundle", "curl_ca_bundle") or _k.startswith("HUAWEICLOUD_"):
        del os.environ[_k]
os.environ["NO_PROXY"] = "127.0.0.1"

_real_getaddrinfo = socket.getaddrinfo


def _loopback_only_getaddrinfo(host, *args, **kwargs):
    if host not in ("127.0.0.1", b"127.0.0.1"):
        raise OSError("record.py: refusing to resolve %r (only 127.0.0.1 is allowed)" % (host,))
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only_getaddrinfo

from importlib.metadata import version as _pkg_version  # noqa: E402

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.formdata import FormFile  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkfrs.v2 import FrsClient  # noqa: E402
from huaweicloudsdkfrs.v2 import model as m  # noqa: E402

# --------------------------------------------------------------------------------------
# Fixed inputs
# --------------------------------------------------------------------------------------

AK = "RECORDAK0000000000000"
SK = "record-sk"
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
EPS_ID = "0"
FACE_SET = "fs1"
FACE_ID = "abcDEF12"
REQUEST_ID = "rec-0000000000000000000000000000-1700000000000-recorder"

# JPEG: SOI, APP0/JFIF 1.01 (no thumbnail), COM "frs-recorder", EOI (38 bytes).
JPEG_BYTES = bytes.fromhex(
    "ffd8"
    "ffe000104a46494600010100000100010000"
    "fffe000e6672732d7265636f72646572"
    "ffd9"
)
# PNG: a complete, valid 1x1 RGB white image (69 bytes).
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae426082"
)
# MP4: 'ftyp' box (major brand isom, minor 0x200, compatible isom/iso2/avc1/mp41)
# followed by an empty 'free' box (40 bytes).
MP4_BYTES = bytes.fromhex(
    "0000002066747970" "69736f6d" "00000200" "69736f6d" "69736f32" "61766331" "6d703431"
    "0000000866726565"
)
JPEG_NAME, PNG_NAME, MP4_NAME = "face.jpg", "face.png", "video.mp4"
JPEG_B64 = base64.b64encode(JPEG_BYTES).decode("ascii")
PNG_B64 = base64.b64encode(PNG_BYTES).decode("ascii")
MP4_B64 = base64.b64encode(MP4_BYTES).decode("ascii")

IMAGE_URL = "/bucket/face.jpg"
IMAGE1_URL = "/bucket/face1.jpg"
IMAGE2_URL = "/bucket/face2.jpg"
VIDEO_URL = "/bucket/video.mp4"

ATTRIBUTES = "1,2,4"
ACTIONS = "1,3"
ACTION_TIME = "1000-3000,4000-7000"
NOD_THRESHOLD = 12.5
TOP_N = 5
THRESHOLD = 0.93
FILTER = "age:[20 TO 30]"
SORT = [{"timestamp": "asc"}]
RETURN_FIELDS = ["age", "name"]
# multipart text parts are typed `str` in the SDK: the caller serialises them (compact JSON)
SORT_TEXT = json.dumps(SORT, separators=(",", ":"))
RETURN_FIELDS_TEXT = json.dumps(RETURN_FIELDS, separators=(",", ":"))
CAPACITY = 20000
SCHEMA = {"age": {"type": "integer"}, "name": {"type": "string"}, "timestamp": {"type": "long"}}
EXTERNAL_IMAGE_ID = "img-1"
EXTERNAL_FIELDS = {"age": 30, "name": "bob"}
EXTERNAL_FIELDS_TEXT = json.dumps(EXTERNAL_FIELDS, separators=(",", ":"))
UPDATE_EXTERNAL_IMAGE_ID = "new-id"
UPDATE_EXTERNAL_FIELDS = {"age": 40}
BATCH_FILTER = "age:[1 TO 20]"
PROBE_FACE_SET = "fs 1/x"
PROBE_EXTERNAL_IMAGE_ID = "a b&c"


class MemFile(io.BytesIO):
    """In-memory file accepted by the SDK's FormFile (needs .read, .mode == 'rb', .name)."""

    def __init__(self, data, name):
        super().__init__(data)
        self.name = name
        self.mode = "rb"


def form_file(data, name, content_type=None):
    return FormFile(MemFile(data, name), content_type)


def file_desc(data, name, content_type=None):
    return {"filename": name, "content_base64": base64.b64encode(data).decode("ascii"),
            "content_type": content_type}


def search_opts():
    return dict(top_n=TOP_N, threshold=THRESHOLD, sort=SORT, filter=FILTER, return_fields=RETURN_FIELDS)


def live_opts():
    return dict(actions=ACTIONS, action_time=ACTION_TIME, nod_threshold=NOD_THRESHOLD)


def build_calls():
    """(label, sdk_method, call description, request factory) for every call, in call order.

    `label` is unique: the sdk_method name, except for the encoding probe.

    `call` uses the SDK's Python argument names, flattened (request-level parameters and
    body fields side by side); file arguments are {"filename", "content_base64",
    "content_type"}.  The factory builds a *fresh* request each time (FormFile objects
    are consumed by the upload).
    """
    calls = []

    def add(sdk_method, call, factory, label=None):
        calls.append((label or sdk_method, sdk_method, call, factory))

    # 1 / 1i detect face
    for suffix, req_b64, req_url, req_file, body_file in (
            ("", m.DetectFaceByBase64Request, m.DetectFaceByUrlRequest, m.DetectFaceByFileRequest,
             m.DetectFaceByFileRequestBody),
            ("_intl", m.DetectFaceByBase64IntlRequest, m.DetectFaceByUrlIntlRequest,
             m.DetectFaceByFileIntlRequest, m.DetectFaceByFileIntlRequestBody)):
        add("detect_face_by_base64" + suffix,
            {"image_base64": JPEG_B64, "attributes": ATTRIBUTES},
            lambda r=req_b64: r(body=m.FaceDetectBase64Req(image_base64=JPEG_B64, attributes=ATTRIBUTES)))
        add("detect_face_by_url" + suffix,
            {"image_url": IMAGE_URL, "attributes": ATTRIBUTES},
            lambda r=req_url: r(body=m.FaceDetectUrlReq(image_url=IMAGE_URL, attributes=ATTRIBUTES)))
        if suffix == "":
            add("detect_face_by_file",
                {"image_file": file_desc(JPEG_BYTES, JPEG_NAME), "attributes": ATTRIBUTES},
                lambda: m.DetectFaceByFileRequest(body=m.DetectFaceByFileRequestBody(
                    image_file=form_file(JPEG_BYTES, JPEG_NAME), attributes=ATTRIBUTES)))
        else:  # the intl file body has no `attributes` part
            add("detect_face_by_file_intl",
                {"image_file": file_desc(JPEG_BYTES, JPEG_NAME)},
                lambda: m.DetectFaceByFileIntlRequest(body=m.DetectFaceByFileIntlRequestBody(
                    image_file=form_file(JPEG_BYTES, JPEG_NAME))))

    # 2 compare face (image 1 = JPEG, image 2 = PNG so the two are distinguishable)
    add("compare_face_by_base64",
        {"image1_base64": JPEG_B64, "image2_base64": PNG_B64},
        lambda: m.CompareFaceByBase64Request(body=m.FaceCompareBase64Req(
            image1_base64=JPEG_B64, image2_base64=PNG_B64)))
    add("compare_face_by_url",
        {"image1_url": IMAGE1_URL, "image2_url": IMAGE2_URL},
        lambda: m.CompareFaceByUrlRequest(body=m.FaceCompareUrlReq(
            image1_url=IMAGE1_URL, image2_url=IMAGE2_URL)))
    # the only file part given an explicit content type (FormFile(..., "image/png"))
    add("compare_face_by_file",
        {"image1_file": file_desc(JPEG_BYTES, JPEG_NAME),
         "image2_file": file_desc(PNG_BYTES, PNG_NAME, "image/png")},
        lambda: m.CompareFaceByFileRequest(body=m.CompareFaceByFileRequestBody(
            image1_file=form_file(JPEG_BYTES, JPEG_NAME),
            image2_file=form_file(PNG_BYTES, PNG_NAME, "image/png"))))

    # 3 / 3i action live detection
    for suffix, req_b64, req_url, req_file, body_file in (
            ("", m.DetectLiveByBase64Request, m.DetectLiveByUrlRequest, m.DetectLiveByFileRequest,
             m.DetectLiveByFileRequestBody),
            ("_intl", m.DetectLiveByBase64IntlRequest, m.DetectLiveByUrlIntlRequest,
             m.DetectLiveByFileIntlRequest, m.DetectLiveByFileIntlRequestBody)):
        add("detect_live_by_base64" + suffix,
            dict(video_base64=MP4_B64, **live_opts()),
            lambda r=req_b64: r(body=m.LiveDetectBase64Req(video_base64=MP4_B64, **live_opts())))
        add("detect_live_by_url" + suffix,
            dict(video_url=VIDEO_URL, **live_opts()),
            lambda r=req_url: r(body=m.LiveDetectUrlReq(video_url=VIDEO_URL, **live_opts())))
        add("detect_live_by_file" + suffix,
            dict(video_file=file_desc(MP4_BYTES, MP4_NAME), **live_opts()),
            lambda r=req_file, b=body_file: r(body=b(video_file=form_file(MP4_BYTES, MP4_NAME), **live_opts())))

    # 4 silent live detection (PNG input)
    add("detect_live_face_by_base64", {"image_base64": PNG_B64},
        lambda: m.DetectLiveFaceByBase64Request(body=m.LiveDetectFaceBase64Req(image_base64=PNG_B64)))
    add("detect_live_face_by_url", {"image_url": IMAGE_URL},
        lambda: m.DetectLiveFaceByUrlRequest(body=m.LiveDetectFaceUrlReq(image_url=IMAGE_URL)))
    add("detect_live_face_by_file", {"image_file": file_desc(PNG_BYTES, PNG_NAME)},
        lambda: m.DetectLiveFaceByFileRequest(body=m.DetectLiveFaceByFileRequestBody(
            image_file=form_file(PNG_BYTES, PNG_NAME))))

    # 5 search face
    add("search_face_by_base64", dict(face_set_name=FACE_SET, image_base64=JPEG_B64, **search_opts()),
        lambda: m.SearchFaceByBase64Request(face_set_name=FACE_SET, body=m.FaceSearchBase64Req(
            image_base64=JPEG_B64, **search_opts())))
    add("search_face_by_url", dict(face_set_name=FACE_SET, image_url=IMAGE_URL, **search_opts()),
        lambda: m.SearchFaceByUrlRequest(face_set_name=FACE_SET, body=m.FaceSearchUrlReq(
            image_url=IMAGE_URL, **search_opts())))
    add("search_face_by_face_id", dict(face_set_name=FACE_SET, face_id=FACE_ID, **search_opts()),
        lambda: m.SearchFaceByFaceIdRequest(face_set_name=FACE_SET, body=m.FaceSearchFaceIdReq(
            face_id=FACE_ID, **search_opts())))
    file_search = dict(top_n=TOP_N, threshold=THRESHOLD, sort=SORT_TEXT, filter=FILTER,
                       return_fields=RETURN_FIELDS_TEXT)
    add("search_face_by_file",
        dict(face_set_name=FACE_SET, image_file=file_desc(JPEG_BYTES, JPEG_NAME), **file_search),
        lambda: m.SearchFaceByFileRequest(face_set_name=FACE_SET, body=m.SearchFaceByFileRequestBody(
            image_file=form_file(JPEG_BYTES, JPEG_NAME), **file_search)))

    # 6-9 face sets
    add("create_face_set",
        {"face_set_name": FACE_SET, "face_set_capacity": CAPACITY, "external_fields": SCHEMA},
        lambda: m.CreateFaceSetRequest(body=m.CreateFaceSetReq(
            face_set_name=FACE_SET, face_set_capacity=CAPACITY,
            external_fields={k: m.TypeInfo(type=v["type"]) for k, v in SCHEMA.items()})))
    add("show_all_face_sets", {}, lambda: m.ShowAllFaceSetsRequest())
    add("show_face_set", {"enterprise_project_id": EPS_ID, "face_set_name": FACE_SET},
        lambda: m.ShowFaceSetRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET))
    add("delete_face_set", {"face_set_name": FACE_SET},
        lambda: m.DeleteFaceSetRequest(face_set_name=FACE_SET))

    # 10 add faces
    add("add_faces_by_base64",
        {"enterprise_project_id": EPS_ID, "face_set_name": FACE_SET, "image_base64": JPEG_B64,
         "external_image_id": EXTERNAL_IMAGE_ID, "external_fields": EXTERNAL_FIELDS, "single": True},
        lambda: m.AddFacesByBase64Request(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                          body=m.AddFacesBase64Req(
                                              image_base64=JPEG_B64, external_image_id=EXTERNAL_IMAGE_ID,
                                              external_fields=EXTERNAL_FIELDS, single=True)))
    add("add_faces_by_url",
        {"face_set_name": FACE_SET, "image_url": IMAGE_URL, "external_image_id": EXTERNAL_IMAGE_ID,
         "external_fields": EXTERNAL_FIELDS, "single": True},
        lambda: m.AddFacesByUrlRequest(face_set_name=FACE_SET, body=m.AddFacesUrlReq(
            image_url=IMAGE_URL, external_image_id=EXTERNAL_IMAGE_ID,
            external_fields=EXTERNAL_FIELDS, single=True)))
    add("add_faces_by_file",
        {"enterprise_project_id": EPS_ID, "face_set_name": FACE_SET,
         "image_file": file_desc(JPEG_BYTES, JPEG_NAME), "external_image_id": EXTERNAL_IMAGE_ID,
         "external_fields": EXTERNAL_FIELDS_TEXT, "single": True},
        lambda: m.AddFacesByFileRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                        body=m.AddFacesByFileRequestBody(
                                            image_file=form_file(JPEG_BYTES, JPEG_NAME),
                                            external_image_id=EXTERNAL_IMAGE_ID,
                                            external_fields=EXTERNAL_FIELDS_TEXT, single=True)))

    # 11-15 faces
    add("show_faces_by_face_id", {"face_set_name": FACE_SET, "face_id": FACE_ID},
        lambda: m.ShowFacesByFaceIdRequest(face_set_name=FACE_SET, face_id=FACE_ID))
    add("show_faces_by_limit", {"face_set_name": FACE_SET, "offset": 0, "limit": 5},
        lambda: m.ShowFacesByLimitRequest(face_set_name=FACE_SET, offset=0, limit=5))
    add("update_face",
        {"enterprise_project_id": EPS_ID, "face_set_name": FACE_SET, "face_id": FACE_ID,
         "external_image_id": UPDATE_EXTERNAL_IMAGE_ID, "external_fields": UPDATE_EXTERNAL_FIELDS},
        lambda: m.UpdateFaceRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                    body=m.UpdateFaceReq(face_id=FACE_ID,
                                                         external_image_id=UPDATE_EXTERNAL_IMAGE_ID,
                                                         external_fields=UPDATE_EXTERNAL_FIELDS)))
    add("delete_face_by_external_image_id",
        {"enterprise_project_id": EPS_ID, "face_set_name": FACE_SET, "external_image_id": EXTERNAL_IMAGE_ID},
        lambda: m.DeleteFaceByExternalImageIdRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                                     external_image_id=EXTERNAL_IMAGE_ID))
    # encoding probe (the 36th entry)
    add("delete_face_by_external_image_id",
        {"face_set_name": PROBE_FACE_SET, "external_image_id": PROBE_EXTERNAL_IMAGE_ID},
        lambda: m.DeleteFaceByExternalImageIdRequest(face_set_name=PROBE_FACE_SET,
                                                     external_image_id=PROBE_EXTERNAL_IMAGE_ID),
        label="delete_face_by_external_image_id/encoding_probe")
    add("delete_face_by_face_id", {"face_set_name": FACE_SET, "face_id": FACE_ID},
        lambda: m.DeleteFaceByFaceIdRequest(face_set_name=FACE_SET, face_id=FACE_ID))
    add("batch_delete_faces", {"enterprise_project_id": EPS_ID, "face_set_name": FACE_SET, "filter": BATCH_FILTER},
        lambda: m.BatchDeleteFacesRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                          body=m.DeleteFacesBatchReq(filter=BATCH_FILTER)))
    return calls


# Method and path template of every SDK method (shared/frs-api/operations.md overview).
_P = "/v2/{project_id}"
EXPECTED_ROUTES = {
    "detect_face_by_base64": ("POST", _P + "/face-detect"),
    "detect_face_by_url": ("POST", _P + "/face-detect"),
    "detect_face_by_file": ("POST", _P + "/face-detect"),
    "detect_face_by_base64_intl": ("POST", _P + "/face-detect"),
    "detect_face_by_url_intl": ("POST", _P + "/face-detect"),
    "detect_face_by_file_intl": ("POST", _P + "/face-detect"),
    "compare_face_by_base64": ("POST", _P + "/face-compare"),
    "compare_face_by_url": ("POST", _P + "/face-compare"),
    "compare_face_by_file": ("POST", _P + "/face-compare"),
    "detect_live_by_base64": ("POST", "/v1/{project_id}/live-detect"),
    "detect_live_by_url": ("POST", "/v1/{project_id}/live-detect"),
    "detect_live_by_file": ("POST", "/v1/{project_id}/live-detect"),
    "detect_live_by_base64_intl": ("POST", _P + "/live-detect"),
    "detect_live_by_url_intl": ("POST", _P + "/live-detect"),
    "detect_live_by_file_intl": ("POST", _P + "/live-detect"),
    "detect_live_face_by_base64": ("POST", "/v1/{project_id}/live-detect-face"),
    "detect_live_face_by_url": ("POST", "/v1/{project_id}/live-detect-face"),
    "detect_live_face_by_file": ("POST", "/v1/{project_id}/live-detect-face"),
    "search_face_by_base64": ("POST", _P + "/face-sets/{face_set_name}/search"),
    "search_face_by_url": ("POST", _P + "/face-sets/{face_set_name}/search"),
    "search_face_by_face_id": ("POST", _P + "/face-sets/{face_set_name}/search"),
    "search_face_by_file": ("POST", _P + "/face-sets/{face_set_name}/search"),
    "create_face_set": ("POST", _P + "/face-sets"),
    "show_all_face_sets": ("GET", _P + "/face-sets"),
    "show_face_set": ("GET", _P + "/face-sets/{face_set_name}"),
    "delete_face_set": ("DELETE", _P + "/face-sets/{face_set_name}"),
    "add_faces_by_base64": ("POST", _P + "/face-sets/{face_set_name}/faces"),
    "add_faces_by_url": ("POST", _P + "/face-sets/{face_set_name}/faces"),
    "add_faces_by_file": ("POST", _P + "/face-sets/{face_set_name}/faces"),
    "show_faces_by_face_id": ("GET", _P + "/face-sets/{face_set_name}/faces"),
    "show_faces_by_limit": ("GET", _P + "/face-sets/{face_set_name}/faces"),
    "update_face": ("PUT", _P + "/face-sets/{face_set_name}/faces"),
    "delete_face_by_external_image_id": ("DELETE", _P + "/face-sets/{face_set_name}/faces"),
    "delete_face_by_face_id": ("DELETE", _P + "/face-sets/{face_set_name}/faces"),
    "batch_delete_faces": ("DELETE", _P + "/face-sets/{face_set_name}/faces/batch"),
}


def check_route(sdk_method, call, entry):
    method, template = EXPECTED_ROUTES[sdk_method]
    path = template.replace("{project_id}", PROJECT_ID)
    if "{face_set_name}" in path:
        path = path.replace("{face_set_name}", quote(call["face_set_name"], safe=""))
    assert (entry["method"], entry["path"]) == (method, path), \
        "%s: got %s %s, expected %s %s" % (sdk_method, entry["method"], entry["path"], method, path)


# --------------------------------------------------------------------------------------
# Loopback recorder
# --------------------------------------------------------------------------------------

_BOX = {"top_left_x": 22, "top_left_y": 37, "width": 174, "height": 174}
_FACE_SET_INFO = {"face_set_name": FACE_SET, "face_set_id": "T785tx1N", "create_date": "2018-05-28 02:30:44",
                  "face_set_capacity": CAPACITY, "face_number": 1, "external_fields": SCHEMA}
_FACE = {"bounding_box": _BOX, "face_id": FACE_ID, "external_image_id": EXTERNAL_IMAGE_ID,
         "external_fields": EXTERNAL_FIELDS}
_FACES = {"face_set_id": "T785tx1N", "face_set_name": FACE_SET, "faces": [_FACE]}
_COUNT = {"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": FACE_SET}


def canned_response(method, path):
    """A small JSON body the SDK's response model accepts for (method, path)."""
    mt = re.match(r"^/v[12]/[^/]+/(.*)$", path)
    rest = mt.group(1) if mt else ""
    if method == "POST" and rest == "face-detect":
        return {"faces": [{"bounding_box": _BOX, "attributes": {"gender": "male", "age": 30}}]}
    if method == "POST" and rest == "face-compare":
        return {"image1_face": {"bounding_box": _BOX}, "image2_face": {"bounding_box": _BOX},
                "similarity": 0.95}
    if method == "POST" and rest == "live-detect":
        return {"video-result": {"alive": True, "actions": [{"action": 1, "confidence": 0.9},
                                                             {"action": 3, "confidence": 0.9}],
                                 "picture": ""}, "warning-list": []}
    if method == "POST" and rest == "live-detect-face":
        return {"result": {"alive": True, "confidence": 0.9, "picture": ""}, "warning-list": []}
    if rest == "face-sets":
        if method == "POST":
            return {"face_set_info": _FACE_SET_INFO}
        if method == "GET":
            return {"face_sets_info": [_FACE_SET_INFO]}
    parts = rest.split("/")
    if len(parts) == 2 and parts[0] == "face-sets":
        if method == "GET":
            return {"face_set_info": _FACE_SET_INFO}
        if method == "DELETE":
            return {"face_set_name": FACE_SET}
    if len(parts) == 3 and parts[0] == "face-sets":
        if method == "POST" and parts[2] == "search":
            return {"faces": [dict(_FACE, similarity=0.97)]}
        if parts[2] == "faces":
            if method in ("POST", "GET"):
                return _FACES
            if method in ("PUT", "DELETE"):
                return _COUNT
    if len(parts) == 4 and parts[0] == "face-sets" and parts[2:] == ["faces", "batch"] and method == "DELETE":
        return _COUNT
    return None


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    records = []
    lock = threading.Lock()

    def log_message(self, fmt, *args):  # silence the default stderr logging
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out, "chunked"
                out += self.rfile.read(size)
                self.rfile.readline()
        n = self.headers.get("Content-Length")
        if n is None:
            return None, None
        return self.rfile.read(int(n)), "content-length"

    def _handle(self):
        body, framing = self._read_body()
        rec = {
            "method": self.command,
            "target": self.path,  # raw request target, exactly as received
            "request_version": self.request_version,
            "headers": list(self.headers.items()),  # in the order received
            "body": body,
            "framing": framing,
        }
        with Recorder.lock:
            Recorder.records.append(rec)
        payload = canned_response(self.command, self.path.split("?", 1)[0])
        status = 200
        if payload is None:
            status, payload = 404, {"error_code": "FRS.0000", "error_msg": "recorder: unknown route"}
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("X-Request-Id", REQUEST_ID)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


# --------------------------------------------------------------------------------------
# Independent SDK-HMAC-SHA256 check (auth.md section 2)
# --------------------------------------------------------------------------------------

def _enc(s):
    return quote(s, safe="~")


def verify_signature(rec):
    headers = rec["headers"]
    auth = [v for k, v in headers if k.lower() == "authorization"]
    assert len(auth) == 1, "expected exactly one Authorization header"
    mt = re.match(r"^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth[0])
    assert mt, "unexpected Authorization format: %r" % auth[0]
    access, signed, signature = mt.groups()
    assert access == AK, access
    signed_list = signed.split(";")
    hmap = {}
    for k, v in headers:
        assert k.lower() not in hmap, "duplicate header %s" % k
        hmap[k.lower()] = v
    path, _, query = rec["target"].partition("?")
    segs = [_enc(s) for s in unquote(path, errors="replace").split("/")]
    curi = "/".join(segs)
    if not curi.endswith("/"):
        curi += "/"
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    cquery = "&".join("%s=%s" % (_enc(k), _enc(v)) for k, v in pairs)
    cheaders = "".join("%s:%s\n" % (h, hmap[h].strip()) for h in signed_list)
    body = rec["body"] or b""
    if "x-sdk-content-sha256" in hmap and body:
        phash = hmap["x-sdk-content-sha256"].strip()
    else:
        phash = hashlib.sha256(body).hexdigest()
    creq = "\n".join([rec["method"], curi, cquery, cheaders, signed, phash])
    sts = "SDK-HMAC-SHA256\n%s\n%s" % (hmap["x-sdk-date"], hashlib.sha256(creq.encode("utf-8")).hexdigest())
    expect = hmac.new(SK.encode("utf-8"), sts.encode("utf-8"), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expect, signature), "signature mismatch for %s %s" % (rec["method"], rec["target"])
    return signed_list


# --------------------------------------------------------------------------------------
# Normalisation into the output format
# --------------------------------------------------------------------------------------

KEPT_HEADERS = ("content-type", "x-project-id", "enterprise-project-id", "x-sdk-content-sha256", "host",
                "user-agent")


def parse_multipart(body, boundary):
    delim = b"--" + boundary
    assert body.startswith(delim + b"\r\n"), "multipart body does not start with the boundary"
    closing = b"\r\n" + delim + b"--\r\n"
    assert body.endswith(closing), "multipart body does not end with the closing boundary + CRLF"
    inner = body[len(delim) + 2:-len(closing)]
    parts = []
    for chunk in inner.split(b"\r\n" + delim + b"\r\n"):
        head, sep, value = chunk.partition(b"\r\n\r\n")
        assert sep, "part without header/body separator"
        raw_headers = head.decode("utf-8").split("\r\n")
        name = filename = ctype = None
        for line in raw_headers:
            hname, _, hval = line.partition(":")
            hname = hname.strip().lower()
            hval = hval.strip()
            if hname == "content-disposition":
                nm = re.search(r'(?:^|;\s*)name="([^"]*)"', hval)
                fm = re.search(r'(?:^|;\s*)filename="([^"]*)"', hval)
                name = nm.group(1) if nm else None
                filename = fm.group(1) if fm else None
            elif hname == "content-type":
                ctype = hval
            else:
                raise AssertionError("unexpected part header %r" % line)
        is_file = filename is not None
        parts.append({
            "name": name,
            "filename": filename,
            "content_type": ctype,
            "raw_headers": raw_headers,
            "value": None if is_file else value.decode("utf-8"),
            "value_base64": base64.b64encode(value).decode("ascii") if is_file else None,
        })
    return parts


def normalise(label, sdk_method, call, rec, port):
    method, target = rec["method"], rec["target"]
    path, _, query = target.partition("?")
    headers = rec["headers"]
    hmap = {k.lower(): v for k, v in headers}
    signed = verify_signature(rec)

    ctype = hmap.get("content-type")
    boundary = None
    if ctype is not None:
        bm = re.match(r"^multipart/form-data; boundary=(.+)$", ctype)
        if bm:
            boundary = bm.group(1)

    kept = []
    for k, v in headers:
        lk = k.lower()
        if lk not in KEPT_HEADERS:
            continue
        if lk == "content-type" and boundary is not None:
            v = v.replace(boundary, "<boundary>")
        elif lk == "host":
            assert v == "127.0.0.1:%d" % port, v
            v = "127.0.0.1:<port>"
        elif lk == "user-agent":
            v = v.split(";", 1)[0]
        kept.append([lk, v])

    raw = rec["body"]
    if not raw:
        body = None
    elif boundary is not None:
        body = {
            "multipart": parse_multipart(raw, boundary.encode("ascii")),
            "raw_boundary_len": len(boundary),
            "raw_length": len(raw),
            "raw_template_base64": base64.b64encode(
                raw.replace(boundary.encode("ascii"), b"<boundary>")).decode("ascii"),
        }
    else:
        text = raw.decode("utf-8")
        body = {"json": json.loads(text), "raw": text}

    assert rec["framing"] != "chunked", "unexpected chunked request body"
    return {
        "label": label,
        "sdk_method": sdk_method,
        "call": call,
        "method": method,
        "target": target,
        "path": path,
        "query": [[k, v] for k, v in parse_qsl(query, keep_blank_values=True)] if query else [],
        "headers": kept,
        "header_names": [k.lower() for k, _ in headers],
        "signed_headers": signed,
        "body": body,
        "content_length": int(hmap["content-length"]) if "content-length" in hmap else None,
    }


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def default_out_path():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "crates", "frs-request", "tests", "data",
                                         "official-sdk-requests.json"))


PINNED = ["huaweicloudsdkfrs", "huaweicloudsdkcore", "requests", "urllib3", "requests-toolbelt", "simplejson"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=default_out_path(), help="output JSON file (default: %(default)s)")
    args = ap.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    try:
        config = HttpConfig.get_default_config()
        credentials = BasicCredentials(ak=AK, sk=SK, project_id=PROJECT_ID)
        client = FrsClient.new_builder() \
            .with_http_config(config) \
            .with_credentials(credentials) \
            .with_endpoints(["http://127.0.0.1:%d" % port]) \
            .build()

        entries = []
        for label, sdk_method, call, factory in build_calls():
            before = len(Recorder.records)
            response = getattr(client, sdk_method)(factory())
            recorded = Recorder.records[before:]
            assert len(recorded) == 1, "%s: expected 1 request, recorder saw %d" % (sdk_method, len(recorded))
            assert response.x_request_id == REQUEST_ID, "%s: response not deserialised" % sdk_method
            entry = normalise(label, sdk_method, call, recorded[0], port)
            check_route(sdk_method, call, entry)
            entries.append(entry)
        assert sorted(set(e["sdk_method"] for e in entries)) == sorted(EXPECTED_ROUTES), "not all 35 methods called"
        assert len(entries) == 36 and len(set(e["label"] for e in entries)) == 36
    finally:
        server.shutdown()
        server.server_close()

    doc = {
        "generated_by": "tools/record-official/record.py (run via tools/record-official/run.sh): official "
                        "huaweicloudsdkfrs v2 FrsClient -> loopback recorder on 127.0.0.1",
        "versions": {p: _pkg_version(p) for p in PINNED},
        "inputs_note": (
            "Fixed inputs, see tools/record-official/README.md. AK %s, SK %s, project_id %s, HttpConfig "
            "defaults, endpoint http://127.0.0.1:<port>. `call` lists the SDK's python arguments (request "
            "parameters and body fields flattened); file arguments are {filename, content_base64, "
            "content_type}. Normalised: X-Sdk-Date/Authorization values dropped (signed_headers kept; every "
            "signature was re-verified), multipart boundary -> <boundary> (raw_boundary_len = its real "
            "length), Host port -> <port>, user-agent cut at the first ';'. `query` pairs are "
            "percent-decoded; `target` and `path` are raw. `label` is unique per "
            "entry (= sdk_method, except 'delete_face_by_external_image_id/encoding_probe', the encoding probe (face set 'fs 1/x', "
            "external_image_id 'a b&c')." % (AK, SK, PROJECT_ID)),
        "requests": entries,
    }
    text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, args.out)
    print("wrote %d requests (%d bytes) to %s" % (len(entries), len(text.encode("utf-8")), args.out))


if __name__ == "__main__":
    main()
