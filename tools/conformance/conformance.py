#!/usr/bin/env python3
"""Conformance: Huawei's own Python SDK (huaweicloudsdkfrs 3.1.219) against the FRS emulator.

The official ``FrsClient`` is pointed at a running ``frs-emulator`` (``--endpoint
http://127.0.0.1:PORT``), signs every request with AK/SK exactly as real users do
(``BasicCredentials(ak, sk, project_id)``), and calls all 35 SDK methods in a realistic flow
(face set -> faces -> search / detect / compare / liveness -> update -> deletes). For each call
the typed fields of the SDK's response objects are checked, and where the documentation
(shared/frs-api) defines an error, the ``ClientRequestException`` the SDK raises is checked
(status_code, error_code, error_msg, request_id).

Test images are generated here: they declare their faces with the emulator engine's metadata
(PNG ``tEXt`` chunks ``frs:person`` / ``frs:faces`` / ``frs:live``; ``frs:<key>=<value>`` tokens
in a JPEG COM segment or an MP4 ``free`` box). URL variants read objects stored through the
emulator's admin API (``PUT /__emulator/obs/{bucket}/{object}``).

Output: one line per SDK method, ``PASS <method>`` or ``FAIL <method>: <reasons>``, then
``N passed, M failed``. Exit status 1 when any method failed (a method passes only when every
one of its checks passed), 2 for usage errors or when the emulator cannot be reached.

Run via ``bash tools/conformance/run.sh`` (builds and starts the emulator, installs the pinned
SDK into a throw-away venv).
"""

import argparse
import atexit
import base64
import binascii
import http.client
import io
import json
import os
import shutil
import socket
import struct
import sys
import tempfile
import traceback
import zlib
from urllib.parse import urlsplit

# --------------------------------------------------------------------------------------
# Sandbox: done before the SDK is imported (as tools/record-official/record.py).
# --------------------------------------------------------------------------------------

# The SDK writes a random application id into ~/.huaweicloud on import: keep the real home
# directory out of it (and keep any credentials/region files there from being picked up).
_TMP_HOME = tempfile.mkdtemp(prefix="frs-conformance-home-")
atexit.register(shutil.rmtree, _TMP_HOME, True)
os.environ["HOME"] = _TMP_HOME
os.environ["USERPROFILE"] = _TMP_HOME
for _k in list(os.environ):
    if _k.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                      "requests_ca_bundle", "curl_ca_bundle") or _k.startswith("HUAWEICLOUD_"):
        del os.environ[_k]
os.environ["NO_PROXY"] = "127.0.0.1"

_real_getaddrinfo = socket.getaddrinfo


def _loopback_only_getaddrinfo(host, *args, **kwargs):
    if host not in ("127.0.0.1", b"127.0.0.1"):
        raise OSError("conformance.py: refusing to resolve %r (only 127.0.0.1 is allowed)" % (host,))
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only_getaddrinfo

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, SdkException  # noqa: E402
from huaweicloudsdkcore.http.formdata import FormFile  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkfrs.v2 import FrsClient  # noqa: E402
from huaweicloudsdkfrs.v2 import model as m  # noqa: E402

# --------------------------------------------------------------------------------------
# The 35 SDK methods (shared/frs-api/operations.md), in report order
# --------------------------------------------------------------------------------------

METHODS = [
    "detect_face_by_base64", "detect_face_by_url", "detect_face_by_file",
    "detect_face_by_base64_intl", "detect_face_by_url_intl", "detect_face_by_file_intl",
    "compare_face_by_base64", "compare_face_by_url", "compare_face_by_file",
    "detect_live_by_base64", "detect_live_by_url", "detect_live_by_file",
    "detect_live_by_base64_intl", "detect_live_by_url_intl", "detect_live_by_file_intl",
    "detect_live_face_by_base64", "detect_live_face_by_url", "detect_live_face_by_file",
    "search_face_by_base64", "search_face_by_url", "search_face_by_face_id", "search_face_by_file",
    "create_face_set", "show_all_face_sets", "show_face_set", "delete_face_set",
    "add_faces_by_base64", "add_faces_by_url", "add_faces_by_file",
    "show_faces_by_face_id", "show_faces_by_limit", "update_face",
    "delete_face_by_external_image_id", "delete_face_by_face_id", "batch_delete_faces",
]
assert len(METHODS) == 35 and len(set(METHODS)) == 35

SAME_PERSON = 0.93  # the SDK docstring: above 0.93 is normally the same person
EPS_ID = "0"        # Enterprise-Project-Id sent on a few calls (as real users do)
FACE_SET = "conformance-staff"
BUCKET = "conformance"
SCHEMA = {"age": "integer", "name": "string", "timestamp": "long"}

# --------------------------------------------------------------------------------------
# Test media, declared for the emulator's face engine
# --------------------------------------------------------------------------------------


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", binascii.crc32(kind + data) & 0xFFFFFFFF)


def make_png(text=(), size=(200, 200), rgb=(200, 170, 150)):
    """A valid RGB PNG (correct CRCs) with one ``tEXt`` chunk per (keyword, text)."""
    width, height = size
    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    out = b"\x89PNG\r\n\x1a\n"
    out += _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    for keyword, value in text:
        out += _png_chunk(b"tEXt", keyword.encode("latin-1") + b"\x00" + value.encode("latin-1"))
    out += _png_chunk(b"IDAT", zlib.compress(row * height, 9))
    out += _png_chunk(b"IEND", b"")
    return out


def _jpeg_segment(marker, payload):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def make_jpeg(tokens, size=(200, 200)):
    """SOI, APP0 JFIF, COM with ``frs:<key>=<value>`` tokens, SOF0 (baseline, 3 components), EOI."""
    width, height = size
    comment = " ".join("frs:%s=%s" % kv for kv in tokens).encode("ascii")
    sof0 = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00" + b"\x02\x11\x01" + b"\x03\x11\x01"
    return (b"\xff\xd8"
            + _jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + _jpeg_segment(0xFE, comment)
            + _jpeg_segment(0xC0, sof0)
            + b"\xff\xd9")


def _mp4_box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def make_mp4(tokens):
    """An ``ftyp`` box (isom) and a ``free`` box carrying ``frs:<key>=<value>`` tokens."""
    ftyp = _mp4_box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    free = _mp4_box(b"free", b" " + " ".join("frs:%s=%s" % kv for kv in tokens).encode("ascii") + b" ")
    return ftyp + free


# The people. Two different pictures of the same person differ in pixels (and format).
ALICE_JPG = make_jpeg([("person", "alice")])
ALICE_PNG = make_png([("frs:person", "alice")], rgb=(190, 160, 140))
BOB_JPG = make_jpeg([("person", "bob")])
BOB_PNG = make_png([("frs:person", "bob")], rgb=(120, 100, 90))
CAROL_PNG = make_png([("frs:person", "carol")], rgb=(210, 180, 160))
CAROL_JPG = make_jpeg([("person", "carol")], size=(240, 240))
DAVE_PNG = make_png([("frs:person", "dave")], rgb=(100, 90, 80))  # never added to the set
KID1_JPG = make_jpeg([("person", "kid1")])
KID2_PNG = make_png([("frs:person", "kid2")])
TEAM_PNG = make_png([("frs:person", "team"), ("frs:faces", "3")], size=(600, 300))
NO_FACE_PNG = make_png([("frs:faces", "0")], rgb=(20, 120, 20))
NO_FACE_JPG = make_jpeg([("faces", "0")])
LIVE_PNG = make_png([("frs:person", "erin"), ("frs:live", "true")])
LIVE_JPG = make_jpeg([("person", "erin"), ("live", "true")])
SPOOF_JPG = make_jpeg([("person", "erin"), ("live", "false")])
# Not an image format FRS accepts (GIF): FRS.0016.
GIF_BYTES = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00" \
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
# Videos: 8 s, the person performs a head shake left (1) and a nod (3).
ALIVE_MP4 = make_mp4([("person", "erin"), ("duration_ms", "8000"), ("alive", "true"), ("actions", "1,3")])
SPOOF_MP4 = make_mp4([("person", "erin"), ("duration_ms", "8000"), ("alive", "false"), ("actions", "1,3")])
GARBAGE_VIDEO = b"this is not a video at all, just some text" * 4

ACTIONS = "1,3"
ACTION_TIME = "1000-3000,4000-7000"
NOD_THRESHOLD = 12.5

OBJECTS = {
    "alice.jpg": ALICE_JPG, "alice.png": ALICE_PNG, "bob.jpg": BOB_JPG, "bob.png": BOB_PNG,
    "team.png": TEAM_PNG, "no-face.png": NO_FACE_PNG, "live.jpg": LIVE_JPG, "spoof.jpg": SPOOF_JPG,
    "alive.mp4": ALIVE_MP4, "spoof.mp4": SPOOF_MP4, "garbage.mp4": GARBAGE_VIDEO, "carol.jpg": CAROL_JPG,
}


def url(name):
    return "/%s/%s" % (BUCKET, name)


def b64(data):
    return base64.b64encode(data).decode("ascii")


class MemFile(io.BytesIO):
    """In-memory file accepted by the SDK's FormFile (needs .read, .mode == 'rb', .name)."""

    def __init__(self, data, name):
        super().__init__(data)
        self.name = name
        self.mode = "rb"


def form_file(data, name, content_type=None):
    return FormFile(MemFile(data, name), content_type)


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------

class CheckFailed(Exception):
    pass


def expect(cond, what, *args):
    if not cond:
        raise CheckFailed(what % args if args else what)


def describe_exception(exc):
    if isinstance(exc, ClientRequestException) or hasattr(exc, "status_code"):
        return "%s (HTTP %s, error_code %s, error_msg %r, request_id %r)" % (
            type(exc).__name__, getattr(exc, "status_code", None), getattr(exc, "error_code", None),
            getattr(exc, "error_msg", None), getattr(exc, "request_id", None))
    if isinstance(exc, CheckFailed):
        return str(exc)
    return "%s: %s" % (type(exc).__name__, exc)


class Conformance:
    def __init__(self, client, bad_client, admin, verbose=False):
        self.client = client
        self.bad_client = bad_client
        self.admin = admin
        self.verbose = verbose
        self.failures = {name: [] for name in METHODS}
        self.checks = {name: 0 for name in METHODS}
        self.ctx = {}  # face ids etc. shared between steps

    # -- plumbing ------------------------------------------------------------------------

    def run_check(self, method, label, fn):
        """Runs one check of `method`; any exception fails the method."""
        assert method in self.failures, method
        self.checks[method] += 1
        try:
            fn()
            if self.verbose:
                print("  ok   %s: %s" % (method, label))
        except Exception as exc:  # noqa: BLE001 - every problem is a failed check
            self.failures[method].append("%s: %s" % (label, describe_exception(exc)))
            if self.verbose:
                print("  FAIL %s: %s: %s" % (method, label, describe_exception(exc)))
                if not isinstance(exc, (CheckFailed, SdkException)):
                    traceback.print_exc()

    def call(self, method, request):
        response = getattr(self.client, method)(request)
        expect(response is not None, "no response object")
        expect(bool(getattr(response, "x_request_id", None)), "response has no x_request_id (X-Request-Id header)")
        return response

    def ok(self, method, label, request_factory, checks):
        """A call that must succeed; `checks(response)` asserts its typed fields."""
        self.run_check(method, label, lambda: checks(self.call(method, request_factory())))

    def err(self, method, label, request_factory, status, codes, msg=None, client=None):
        """A call that must fail with ClientRequestException(status, one of `codes`)."""
        codes = (codes,) if isinstance(codes, str) else tuple(codes)

        def body():
            try:
                response = getattr(client or self.client, method)(request_factory())
            except ClientRequestException as exc:
                got = "HTTP %s %s %r" % (exc.status_code, exc.error_code, exc.error_msg)
                expect(exc.status_code == status, "expected HTTP %s, got %s", status, got)
                expect(exc.error_code in codes, "expected error_code %s, got %s", "/".join(codes), got)
                expect(bool(exc.error_msg), "empty error_msg (%s)", got)
                if msg is not None:
                    expect(exc.error_msg == msg, "expected error_msg %r, got %r", msg, exc.error_msg)
                expect(bool(exc.request_id), "no request_id on the exception (X-Request-Id header) (%s)", got)
                return
            raise CheckFailed("expected %s (HTTP %s), but the call succeeded: %s"
                              % ("/".join(codes), status, _short(response)))
        self.run_check(method, label + " -> " + "/".join(codes), body)

    def need(self, key):
        if key not in self.ctx:
            raise CheckFailed("skipped: %s is unknown because an earlier step failed" % key)
        return self.ctx[key]

    # -- the flow ------------------------------------------------------------------------

    def run(self):
        try:
            self.admin.post("/reset")
            for name, data in OBJECTS.items():
                self.admin.put("/obs/%s/%s" % (BUCKET, name), data)
        except Exception as exc:  # noqa: BLE001
            for name in METHODS:
                self.run_check(name, "setup through the admin API", lambda e=exc: _raise(e))
            return
        self.face_sets()
        self.add_faces()
        self.show_faces()
        self.search()
        self.update()
        self.detect()
        self.compare()
        self.live()
        self.live_face()
        self.deletes()
        self.auth()
        self.face_set_teardown()

    # 6-9 face sets --------------------------------------------------------------------

    def face_sets(self):
        def create_req(name=FACE_SET):
            return m.CreateFaceSetRequest(body=m.CreateFaceSetReq(
                face_set_name=name, face_set_capacity=20000,
                external_fields={k: m.TypeInfo(type=t) for k, t in SCHEMA.items()}))

        def created(r):
            info = r.face_set_info
            expect(info is not None, "face_set_info missing")
            expect(info.face_set_name == FACE_SET, "face_set_name %r", info.face_set_name)
            expect(bool(info.face_set_id), "face_set_id empty")
            expect(info.face_set_capacity == 20000, "face_set_capacity %r, expected 20000", info.face_set_capacity)
            expect(info.face_number == 0, "face_number %r, expected 0", info.face_number)
            expect(bool(info.create_date), "create_date empty")
            fields = info.external_fields or {}
            expect({k: (v or {}).get("type") for k, v in fields.items()} == SCHEMA,
                   "external_fields %r, expected the declared schema %r", fields, SCHEMA)
            self.ctx["face_set_id"] = info.face_set_id
        self.ok("create_face_set", "create %s" % FACE_SET, create_req, created)
        self.err("create_face_set", "create %s again" % FACE_SET, create_req, 400, "FRS.0301")

        def listed(r):
            names = [i.face_set_name for i in (r.face_sets_info or [])]
            expect(FACE_SET in names, "%s not in face_sets_info %r", FACE_SET, names)
            mine = [i for i in r.face_sets_info if i.face_set_name == FACE_SET][0]
            expect(mine.face_set_id == self.need("face_set_id"), "face_set_id %r", mine.face_set_id)
        self.ok("show_all_face_sets", "list", lambda: m.ShowAllFaceSetsRequest(), listed)

        def shown(r):
            info = r.face_set_info
            expect(info.face_set_name == FACE_SET and info.face_number == 0,
                   "face_set_info %s", _short(info))
            expect(info.face_set_id == self.need("face_set_id"), "face_set_id %r", info.face_set_id)
        self.ok("show_face_set", "show %s (Enterprise-Project-Id 0)" % FACE_SET,
                lambda: m.ShowFaceSetRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET), shown)
        self.err("show_face_set", "show an unknown face set",
                 lambda: m.ShowFaceSetRequest(face_set_name="no-such-set"), 400, "FRS.0302")

    # 10 add faces ----------------------------------------------------------------------

    def add_faces(self):
        def added(key, image_id, fields, count=1):
            def check(r):
                expect(r.face_set_name == FACE_SET, "face_set_name %r", r.face_set_name)
                expect(r.face_set_id == self.need("face_set_id"), "face_set_id %r", r.face_set_id)
                faces = r.faces or []
                expect(len(faces) == count, "%d faces added, expected %d", len(faces), count)
                for f in faces:
                    expect(bool(f.face_id), "empty face_id")
                    expect(f.external_image_id == image_id, "external_image_id %r, expected %r",
                           f.external_image_id, image_id)
                    expect(f.external_fields == fields, "external_fields %r, expected %r", f.external_fields, fields)
                    bb = f.bounding_box
                    expect(bb is not None and bb.width > 0 and bb.height > 0, "bounding_box %s", _short(bb))
                expect(len({f.face_id for f in faces}) == count, "face ids not unique")
                self.ctx[key] = [f.face_id for f in faces]
            return check

        alice = {"age": 30, "name": "alice", "timestamp": 1700000000000}
        self.ok("add_faces_by_base64", "add alice (JPEG, single, Enterprise-Project-Id 0)",
                lambda: m.AddFacesByBase64Request(
                    enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                    body=m.AddFacesBase64Req(image_base64=b64(ALICE_JPG), external_image_id="alice-01",
                                             external_fields=alice, single=True)),
                added("alice", "alice-01", alice))
        kid1 = {"age": 12, "name": "kid1", "timestamp": 1700000003000}
        self.ok("add_faces_by_base64", "add kid1",
                lambda: m.AddFacesByBase64Request(face_set_name=FACE_SET, body=m.AddFacesBase64Req(
                    image_base64=b64(KID1_JPG), external_image_id="kid-01", external_fields=kid1)),
                added("kid1", "kid-01", kid1))
        self.err("add_faces_by_base64", "add an image declaring frs:faces=0",
                 lambda: m.AddFacesByBase64Request(face_set_name=FACE_SET, body=m.AddFacesBase64Req(
                     image_base64=b64(NO_FACE_PNG), external_image_id="nobody")),
                 400, "FRS.0404", msg="Detect no face, can not add it to face set.")

        bob = {"age": 45, "name": "bob", "timestamp": 1700000001000}
        self.ok("add_faces_by_url", "add bob from %s" % url("bob.jpg"),
                lambda: m.AddFacesByUrlRequest(face_set_name=FACE_SET, body=m.AddFacesUrlReq(
                    image_url=url("bob.jpg"), external_image_id="bob-01", external_fields=bob, single=True)),
                added("bob", "bob-01", bob))
        team = {"age": 35, "name": "team", "timestamp": 1700000004000}
        self.ok("add_faces_by_url", "add a 3-face image (single=false) from %s" % url("team.png"),
                lambda: m.AddFacesByUrlRequest(face_set_name=FACE_SET, body=m.AddFacesUrlReq(
                    image_url=url("team.png"), external_image_id="group-01", external_fields=team, single=False)),
                added("team", "group-01", team, count=3))
        self.err("add_faces_by_url", "add to an unknown face set",
                 lambda: m.AddFacesByUrlRequest(face_set_name="no-such-set", body=m.AddFacesUrlReq(
                     image_url=url("bob.jpg"))), 400, "FRS.0302")

        carol = {"age": 27, "name": "carol", "timestamp": 1700000002000}
        self.ok("add_faces_by_file", "add carol (PNG file, Enterprise-Project-Id 0)",
                lambda: m.AddFacesByFileRequest(
                    enterprise_project_id=EPS_ID, face_set_name=FACE_SET, body=m.AddFacesByFileRequestBody(
                        image_file=form_file(CAROL_PNG, "carol.png"), external_image_id="carol-01",
                        external_fields=json.dumps(carol, separators=(",", ":")), single=True)),
                added("carol", "carol-01", carol))
        kid2 = {"age": 16, "name": "kid2", "timestamp": 1700000005000}
        self.ok("add_faces_by_file", "add kid2",
                lambda: m.AddFacesByFileRequest(face_set_name=FACE_SET, body=m.AddFacesByFileRequestBody(
                    image_file=form_file(KID2_PNG, "kid2.png"), external_image_id="kid-02",
                    external_fields=json.dumps(kid2, separators=(",", ":")))),
                added("kid2", "kid-02", kid2))
        self.err("add_faces_by_file", "add a GIF file",
                 lambda: m.AddFacesByFileRequest(face_set_name=FACE_SET, body=m.AddFacesByFileRequestBody(
                     image_file=form_file(GIF_BYTES, "face.gif"))), 400, "FRS.0016")

        def counted(r):
            expect(r.face_set_info.face_number == 8, "face_number %r after adding 8 faces",
                   r.face_set_info.face_number)
        self.ok("show_face_set", "face_number after the adds", lambda: m.ShowFaceSetRequest(face_set_name=FACE_SET),
                counted)

    # 11-12 show faces -------------------------------------------------------------------

    def show_faces(self):
        def pages():
            expected = set()
            for key in ("alice", "kid1", "bob", "team", "carol", "kid2"):
                expected.update(self.need(key))
            seen = []
            for offset in (0, 3, 6, 9):
                r = self.call("show_faces_by_limit", m.ShowFacesByLimitRequest(
                    face_set_name=FACE_SET, offset=offset, limit=3))
                expect(r.face_set_name == FACE_SET and r.face_set_id == self.need("face_set_id"),
                       "face_set_name/id %r/%r", r.face_set_name, r.face_set_id)
                want = {0: 3, 3: 3, 6: 2, 9: 0}[offset]
                expect(len(r.faces or []) == want, "offset %d limit 3: %d faces, expected %d",
                       offset, len(r.faces or []), want)
                seen += [f.face_id for f in r.faces or []]
            expect(len(seen) == len(set(seen)), "a face appears on two pages: %r", seen)
            expect(set(seen) == expected, "pages hold %r, expected the 8 added faces %r", sorted(seen), sorted(expected))
        self.run_check("show_faces_by_limit", "page through 8 faces 3 at a time", pages)
        self.err("show_faces_by_limit", "page an unknown face set",
                 lambda: m.ShowFacesByLimitRequest(face_set_name="no-such-set", offset=0, limit=5), 400, "FRS.0302")

        def by_id(r):
            faces = r.faces or []
            expect(len(faces) == 1, "%d faces", len(faces))
            f = faces[0]
            expect(f.face_id == self.need("bob")[0], "face_id %r", f.face_id)
            expect(f.external_image_id == "bob-01", "external_image_id %r", f.external_image_id)
            expect(f.external_fields == {"age": 45, "name": "bob", "timestamp": 1700000001000},
                   "external_fields %r", f.external_fields)
            expect(r.face_set_name == FACE_SET, "face_set_name %r", r.face_set_name)
        self.ok("show_faces_by_face_id", "show bob's face",
                lambda: m.ShowFacesByFaceIdRequest(face_set_name=FACE_SET, face_id=self.need("bob")[0]), by_id)
        # Docs: the show/update pages' sample is FRS.0303 "The face id is not exist, ..."; the
        # current code table names FRS.0403 "face id does not exist" (error-codes.md).
        self.err("show_faces_by_face_id", "show an unknown face id",
                 lambda: m.ShowFacesByFaceIdRequest(face_set_name=FACE_SET, face_id="NoSuchId"),
                 400, ("FRS.0303", "FRS.0403"))

    # 5 search ------------------------------------------------------------------------

    def search(self):
        def top(image_id, fields=None, only=None):
            def check(r):
                faces = r.faces or []
                expect(len(faces) >= 1, "no hit")
                first = faces[0]
                expect(first.external_image_id == image_id, "first hit %r (similarity %r), expected %r; hits %s",
                       first.external_image_id, first.similarity, image_id, _hits(faces))
                expect(first.similarity is not None and first.similarity >= SAME_PERSON,
                       "same person: similarity %r < %s", first.similarity, SAME_PERSON)
                expect(all(f.similarity >= SAME_PERSON for f in faces), "a hit below the threshold: %s", _hits(faces))
                sims = [f.similarity for f in faces]
                expect(sims == sorted(sims, reverse=True), "hits not ordered by similarity: %s", _hits(faces))
                expect(bool(first.face_id) and first.bounding_box is not None, "face_id/bounding_box missing")
                if fields is not None:
                    expect(first.external_fields == fields, "external_fields %r, expected %r (return_fields)",
                           first.external_fields, fields)
                if only is not None:
                    expect(len(faces) == only, "%d hits, expected %d: %s", len(faces), only, _hits(faces))
            return check

        self.ok("search_face_by_base64", "search alice (another picture), return_fields [name]",
                lambda: m.SearchFaceByBase64Request(face_set_name=FACE_SET, body=m.FaceSearchBase64Req(
                    image_base64=b64(ALICE_PNG), top_n=5, threshold=SAME_PERSON, return_fields=["name"])),
                top("alice-01", fields={"name": "alice"}, only=1))

        def nobody(r):
            expect((r.faces or []) == [], "a person not in the set matched: %s", _hits(r.faces or []))
        self.ok("search_face_by_base64", "search a person not in the set (threshold 0.93)",
                lambda: m.SearchFaceByBase64Request(face_set_name=FACE_SET, body=m.FaceSearchBase64Req(
                    image_base64=b64(DAVE_PNG), threshold=SAME_PERSON)), nobody)
        self.err("search_face_by_base64", "sort on a string field",
                 lambda: m.SearchFaceByBase64Request(face_set_name=FACE_SET, body=m.FaceSearchBase64Req(
                     image_base64=b64(ALICE_PNG), sort=[{"name": "asc"}])), 400, "FRS.0032")

        self.ok("search_face_by_url", "search bob from %s, filter age:[40 TO 50]" % url("bob.png"),
                lambda: m.SearchFaceByUrlRequest(face_set_name=FACE_SET, body=m.FaceSearchUrlReq(
                    image_url=url("bob.png"), top_n=3, threshold=SAME_PERSON, filter="age:[40 TO 50]")),
                top("bob-01", only=1))
        self.err("search_face_by_url", "search an unknown face set",
                 lambda: m.SearchFaceByUrlRequest(face_set_name="no-such-set", body=m.FaceSearchUrlReq(
                     image_url=url("bob.png"))), 400, "FRS.0302")

        self.ok("search_face_by_face_id", "search by alice's face_id",
                lambda: m.SearchFaceByFaceIdRequest(face_set_name=FACE_SET, body=m.FaceSearchFaceIdReq(
                    face_id=self.need("alice")[0], top_n=5, threshold=SAME_PERSON)),
                top("alice-01", fields={"age": 30, "name": "alice", "timestamp": 1700000000000}))

        def sorted_by_age(r):
            faces = r.faces or []
            ages = [(f.external_fields or {}).get("age") for f in faces]
            # age 20..40: alice 30, carol 27, the 3 team faces 35
            expect(len(faces) == 5, "%d hits, expected the 5 faces aged 20-40: %s", len(faces), _hits(faces))
            expect(all(a is not None and 20 <= a <= 40 for a in ages), "filter age:[20 TO 40] returned ages %r", ages)
            expect(ages == sorted(ages, reverse=True), "sort [{age: desc}] returned ages in order %r", ages)
            expect(all(set((f.external_fields or {})) <= {"age", "timestamp"} for f in faces),
                   "return_fields [age, timestamp] returned %r", [f.external_fields for f in faces])
        self.ok("search_face_by_face_id", "filter age:[20 TO 40], sort age desc, threshold 0",
                lambda: m.SearchFaceByFaceIdRequest(face_set_name=FACE_SET, body=m.FaceSearchFaceIdReq(
                    face_id=self.need("alice")[0], top_n=10, threshold=0.0, filter="age:[20 TO 40]",
                    sort=[{"age": "desc"}], return_fields=["age", "timestamp"])), sorted_by_age)
        self.err("search_face_by_face_id", "search by an unknown face_id",
                 lambda: m.SearchFaceByFaceIdRequest(face_set_name=FACE_SET, body=m.FaceSearchFaceIdReq(
                     face_id="NoSuchId")), 400, ("FRS.0403", "FRS.0303"))

        self.ok("search_face_by_file", "search carol (JPEG file), sort/return_fields as JSON text",
                lambda: m.SearchFaceByFileRequest(face_set_name=FACE_SET, body=m.SearchFaceByFileRequestBody(
                    image_file=form_file(CAROL_JPG, "carol.jpg"), top_n=5, threshold=SAME_PERSON,
                    sort='[{"timestamp":"desc"}]', filter="age:[1 TO 99]", return_fields='["age","name"]')),
                top("carol-01", fields={"age": 27, "name": "carol"}, only=1))
        self.err("search_face_by_file", "search with an image without a face",
                 lambda: m.SearchFaceByFileRequest(face_set_name=FACE_SET, body=m.SearchFaceByFileRequestBody(
                     image_file=form_file(NO_FACE_PNG, "empty.png"))), 400, "FRS.0304")

    # 13 update ------------------------------------------------------------------------

    def update(self):
        def updated(r):
            expect(r.face_number == 1, "face_number %r, expected 1", r.face_number)
            expect(r.face_set_name == FACE_SET and r.face_set_id == self.need("face_set_id"),
                   "face_set_name/id %r/%r", r.face_set_name, r.face_set_id)
        self.ok("update_face", "update alice (Enterprise-Project-Id 0)",
                lambda: m.UpdateFaceRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                            body=m.UpdateFaceReq(face_id=self.need("alice")[0],
                                                                 external_image_id="alice-02",
                                                                 external_fields={"age": 31})), updated)

        def after(r):
            f = (r.faces or [None])[0]
            expect(f is not None and f.external_image_id == "alice-02", "external_image_id after update: %s",
                   _short(f))
            expect((f.external_fields or {}).get("age") == 31, "age after update: %r", f.external_fields)
        self.ok("show_faces_by_face_id", "show alice after the update",
                lambda: m.ShowFacesByFaceIdRequest(face_set_name=FACE_SET, face_id=self.need("alice")[0]), after)
        self.err("update_face", "update an unknown face id",
                 lambda: m.UpdateFaceRequest(face_set_name=FACE_SET, body=m.UpdateFaceReq(
                     face_id="NoSuchId", external_image_id="x-1")), 400, ("FRS.0303", "FRS.0403"))

    # 1 / 1i detect -----------------------------------------------------------------

    def detect(self):
        def faces_with(count, present=(), absent=()):
            def check(r):
                faces = r.faces or []
                expect(len(faces) == count, "%d faces, expected %d", len(faces), count)
                for f in faces:
                    bb = f.bounding_box
                    expect(bb is not None and bb.width > 0 and bb.height > 0 and bb.top_left_x >= 0
                           and bb.top_left_y >= 0, "bounding_box %s", _short(bb))
                    attrs = f.attributes
                    if not present:
                        expect(attrs is None or all(getattr(attrs, a) is None for a in attrs.openapi_types),
                               "attributes returned without being requested: %s", _short(attrs))
                        continue
                    expect(attrs is not None, "no attributes")
                    for a in present:
                        expect(getattr(attrs, a) is not None, "requested attribute %s missing: %s", a, _short(attrs))
                    for a in absent:
                        expect(getattr(attrs, a) is None, "attribute %s returned without being requested", a)
                    if "gender" in present:
                        expect(attrs.gender in ("male", "female"), "gender %r", attrs.gender)
                    if "age" in present:
                        expect(isinstance(attrs.age, int) and 0 <= attrs.age <= 120, "age %r", attrs.age)
                    if "dress" in present:
                        expect(attrs.dress.glass in ("yes", "dark", "none", "unknown")
                               and attrs.dress.hat in ("yes", "none", "unknown"), "dress %s", _short(attrs.dress))
                    if "mask" in present:
                        expect(attrs.mask in ("yes", "none", "unknown"), "mask %r", attrs.mask)
                    if "hair" in present:
                        expect(attrs.hair in ("long", "short", "unknown"), "hair %r", attrs.hair)
                    if "beard" in present:
                        expect(attrs.beard in ("yes", "none", "unknown"), "beard %r", attrs.beard)
                    if "expression" in present:
                        e = attrs.expression
                        expect(e.type in ("neutral", "happy", "fear", "surprise", "sad", "angry", "disgust", "unknown")
                               and 0 <= e.probability <= 1, "expression %s", _short(e))
                    if "face_angle" in present:
                        expect(attrs.face_angle in (0, 90, 180, 270), "face_angle %r", attrs.face_angle)
            return check

        later = ("mask", "hair", "beard", "expression", "face_angle", "quality", "phototype")
        self.ok("detect_face_by_base64", "detect alice, attributes 1,2,4",
                lambda: m.DetectFaceByBase64Request(body=m.FaceDetectBase64Req(
                    image_base64=b64(ALICE_JPG), attributes="1,2,4")),
                faces_with(1, ("gender", "age", "dress"), later))
        self.err("detect_face_by_base64", "detect an image declaring frs:faces=0",
                 lambda: m.DetectFaceByBase64Request(body=m.FaceDetectBase64Req(image_base64=b64(NO_FACE_JPG))),
                 400, "FRS.0501")
        self.ok("detect_face_by_url", "detect the 3-face image, attributes 6,7,8",
                lambda: m.DetectFaceByUrlRequest(body=m.FaceDetectUrlReq(image_url=url("team.png"), attributes="6,7,8")),
                faces_with(3, ("mask", "hair", "beard"), ("gender", "age", "dress", "expression")))
        self.ok("detect_face_by_file", "detect bob (file), attributes 13,21",
                lambda: m.DetectFaceByFileRequest(body=m.DetectFaceByFileRequestBody(
                    image_file=form_file(BOB_PNG, "bob.png"), attributes="13,21")),
                faces_with(1, ("expression", "face_angle"), ("gender", "age", "mask")))
        self.err("detect_face_by_file", "detect a GIF file",
                 lambda: m.DetectFaceByFileRequest(body=m.DetectFaceByFileRequestBody(
                     image_file=form_file(GIF_BYTES, "face.gif"))), 400, "FRS.0016")

        self.ok("detect_face_by_base64_intl", "detect alice, attributes 1,2",
                lambda: m.DetectFaceByBase64IntlRequest(body=m.FaceDetectBase64Req(
                    image_base64=b64(ALICE_PNG), attributes="1,2")),
                faces_with(1, ("gender", "age"), ("dress", "mask")))
        self.ok("detect_face_by_url_intl", "detect bob from %s, no attributes" % url("bob.jpg"),
                lambda: m.DetectFaceByUrlIntlRequest(body=m.FaceDetectUrlReq(image_url=url("bob.jpg"))),
                faces_with(1))
        self.err("detect_face_by_url_intl", "detect %s" % url("no-face.png"),
                 lambda: m.DetectFaceByUrlIntlRequest(body=m.FaceDetectUrlReq(image_url=url("no-face.png"))),
                 400, "FRS.0501")
        self.ok("detect_face_by_file_intl", "detect carol (file, the intl body has no attributes part)",
                lambda: m.DetectFaceByFileIntlRequest(body=m.DetectFaceByFileIntlRequestBody(
                    image_file=form_file(CAROL_PNG, "carol.png"))), faces_with(1))

    # 2 compare --------------------------------------------------------------------

    def compare(self):
        def similar(same):
            def check(r):
                expect(r.similarity is not None and 0 <= r.similarity <= 1, "similarity %r", r.similarity)
                if same:
                    expect(r.similarity >= SAME_PERSON, "same person: similarity %r < %s", r.similarity, SAME_PERSON)
                else:
                    expect(r.similarity < SAME_PERSON, "different people: similarity %r >= %s",
                           r.similarity, SAME_PERSON)
                for face in (r.image1_face, r.image2_face):
                    bb = face and face.bounding_box
                    expect(bb is not None and bb.width > 0 and bb.height > 0, "image face %s", _short(face))
            return check

        self.ok("compare_face_by_base64", "alice (JPEG) vs alice (PNG)",
                lambda: m.CompareFaceByBase64Request(body=m.FaceCompareBase64Req(
                    image1_base64=b64(ALICE_JPG), image2_base64=b64(ALICE_PNG))), similar(True))
        self.ok("compare_face_by_base64", "alice vs bob",
                lambda: m.CompareFaceByBase64Request(body=m.FaceCompareBase64Req(
                    image1_base64=b64(ALICE_JPG), image2_base64=b64(BOB_PNG))), similar(False))
        self.ok("compare_face_by_url", "bob.jpg vs bob.png",
                lambda: m.CompareFaceByUrlRequest(body=m.FaceCompareUrlReq(
                    image1_url=url("bob.jpg"), image2_url=url("bob.png"))), similar(True))
        self.ok("compare_face_by_url", "alice.jpg vs carol.jpg",
                lambda: m.CompareFaceByUrlRequest(body=m.FaceCompareUrlReq(
                    image1_url=url("alice.jpg"), image2_url=url("carol.jpg"))), similar(False))
        self.ok("compare_face_by_file", "carol (PNG) vs carol (JPEG, part Content-Type image/jpeg)",
                lambda: m.CompareFaceByFileRequest(body=m.CompareFaceByFileRequestBody(
                    image1_file=form_file(CAROL_PNG, "carol.png"),
                    image2_file=form_file(CAROL_JPG, "carol.jpg", "image/jpeg"))), similar(True))
        self.ok("compare_face_by_file", "carol vs dave",
                lambda: m.CompareFaceByFileRequest(body=m.CompareFaceByFileRequestBody(
                    image1_file=form_file(CAROL_PNG, "carol.png"), image2_file=form_file(DAVE_PNG, "dave.png"))),
                similar(False))
        self.err("compare_face_by_file", "compare with an image without a face",
                 lambda: m.CompareFaceByFileRequest(body=m.CompareFaceByFileRequestBody(
                     image1_file=form_file(CAROL_PNG, "carol.png"), image2_file=form_file(NO_FACE_PNG, "e.png"))),
                 400, "FRS.0501")

    # 3 / 3i action liveness -----------------------------------------------------------

    def live(self):
        def video(alive):
            def check(r):
                v = r.video_result
                expect(v is not None, "video_result (video-result) missing")
                expect(v.alive is alive, "video_result.alive %r, expected %r", v.alive, alive)
                acts = v.actions or []
                expect([a.action for a in acts] == [1, 3], "actions %s, expected the requested [1, 3]", _short(acts))
                expect(all(a.confidence is not None and 0 <= a.confidence <= 1 for a in acts),
                       "action confidences %s", _short(acts))
                expect(isinstance(v.picture, str), "picture %r", type(v.picture))
                _check_warnings(r.warning_list)
            return check

        live = dict(actions=ACTIONS, action_time=ACTION_TIME, nod_threshold=NOD_THRESHOLD)
        for suffix in ("", "_intl"):
            intl = suffix == "_intl"
            b64_req = m.DetectLiveByBase64IntlRequest if intl else m.DetectLiveByBase64Request
            url_req = m.DetectLiveByUrlIntlRequest if intl else m.DetectLiveByUrlRequest
            file_req = m.DetectLiveByFileIntlRequest if intl else m.DetectLiveByFileRequest
            file_body = m.DetectLiveByFileIntlRequestBody if intl else m.DetectLiveByFileRequestBody

            self.ok("detect_live_by_base64" + suffix, "a live video, actions 1,3",
                    lambda r=b64_req: r(body=m.LiveDetectBase64Req(video_base64=b64(ALIVE_MP4), **live)),
                    video(True))
            self.err("detect_live_by_base64" + suffix, "unsupported action code 9",
                     lambda r=b64_req: r(body=m.LiveDetectBase64Req(video_base64=b64(ALIVE_MP4), actions="9")),
                     400, "FRS.0702")
            self.ok("detect_live_by_url" + suffix, "a replayed video from %s" % url("spoof.mp4"),
                    lambda r=url_req: r(body=m.LiveDetectUrlReq(video_url=url("spoof.mp4"), actions=ACTIONS)),
                    video(False))
            self.err("detect_live_by_url" + suffix, "a file that is not a video",
                     lambda r=url_req: r(body=m.LiveDetectUrlReq(video_url=url("garbage.mp4"), actions=ACTIONS)),
                     400, "FRS.0701")
            self.ok("detect_live_by_file" + suffix, "a live video (file)",
                    lambda r=file_req, b=file_body: r(body=b(video_file=form_file(ALIVE_MP4, "video.mp4"), **live)),
                    video(True))
            self.err("detect_live_by_file" + suffix, "action_time with one pair for two actions",
                     lambda r=file_req, b=file_body: r(body=b(video_file=form_file(ALIVE_MP4, "video.mp4"),
                                                              actions=ACTIONS, action_time="1000-3000")),
                     400, "FRS.0703")

    # 4 silent liveness ----------------------------------------------------------------

    def live_face(self):
        def still(alive):
            def check(r):
                res = r.result
                expect(res is not None, "result missing")
                expect(res.alive is alive, "result.alive %r, expected %r", res.alive, alive)
                expect(res.confidence is not None and 0 <= res.confidence <= 1, "confidence %r", res.confidence)
                expect(isinstance(res.picture, str), "picture %r", type(res.picture))
                _check_warnings(r.warning_list)
            return check

        self.ok("detect_live_face_by_base64", "a live face (PNG, frs:live=true)",
                lambda: m.DetectLiveFaceByBase64Request(body=m.LiveDetectFaceBase64Req(image_base64=b64(LIVE_PNG))),
                still(True))
        self.err("detect_live_face_by_base64", "an image without a face",
                 lambda: m.DetectLiveFaceByBase64Request(body=m.LiveDetectFaceBase64Req(
                     image_base64=b64(NO_FACE_PNG))), 400, "FRS.0707")
        self.ok("detect_live_face_by_url", "a spoof from %s (frs:live=false)" % url("spoof.jpg"),
                lambda: m.DetectLiveFaceByUrlRequest(body=m.LiveDetectFaceUrlReq(image_url=url("spoof.jpg"))),
                still(False))
        self.ok("detect_live_face_by_url", "a live face from %s" % url("live.jpg"),
                lambda: m.DetectLiveFaceByUrlRequest(body=m.LiveDetectFaceUrlReq(image_url=url("live.jpg"))),
                still(True))
        self.ok("detect_live_face_by_file", "a live face (file)",
                lambda: m.DetectLiveFaceByFileRequest(body=m.DetectLiveFaceByFileRequestBody(
                    image_file=form_file(LIVE_JPG, "live.jpg"))), still(True))
        self.err("detect_live_face_by_file", "a GIF file",
                 lambda: m.DetectLiveFaceByFileRequest(body=m.DetectLiveFaceByFileRequestBody(
                     image_file=form_file(GIF_BYTES, "face.gif"))), 400, "FRS.0016")

    # 14-15 deletes --------------------------------------------------------------------

    def deletes(self):
        def deleted(n):
            def check(r):
                expect(r.face_number == n, "face_number %r, expected %d", r.face_number, n)
                expect(r.face_set_name == FACE_SET and r.face_set_id == self.need("face_set_id"),
                       "face_set_name/id %r/%r", r.face_set_name, r.face_set_id)
            return check

        self.ok("delete_face_by_external_image_id", "delete group-01 (3 faces, Enterprise-Project-Id 0)",
                lambda: m.DeleteFaceByExternalImageIdRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                                             external_image_id="group-01"), deleted(3))
        # The seed document's example (operations.md section 14).
        self.err("delete_face_by_external_image_id", "delete an unknown external_image_id",
                 lambda: m.DeleteFaceByExternalImageIdRequest(face_set_name=FACE_SET, external_image_id="imageID"),
                 400, "FRS.0402", msg="External id is not exist, can not delete face")

        self.ok("delete_face_by_face_id", "delete bob's face",
                lambda: m.DeleteFaceByFaceIdRequest(face_set_name=FACE_SET, face_id=self.need("bob")[0]), deleted(1))
        self.err("delete_face_by_face_id", "delete bob's face again",
                 lambda: m.DeleteFaceByFaceIdRequest(face_set_name=FACE_SET, face_id=self.need("bob")[0]),
                 400, ("FRS.0403", "FRS.0303"))
        self.err("show_faces_by_face_id", "show bob's deleted face",
                 lambda: m.ShowFacesByFaceIdRequest(face_set_name=FACE_SET, face_id=self.need("bob")[0]),
                 400, ("FRS.0303", "FRS.0403"))

        self.ok("batch_delete_faces", "batch delete age:[1 TO 20] (the 2 kids, Enterprise-Project-Id 0)",
                lambda: m.BatchDeleteFacesRequest(enterprise_project_id=EPS_ID, face_set_name=FACE_SET,
                                                  body=m.DeleteFacesBatchReq(filter="age:[1 TO 20]")), deleted(2))
        self.err("batch_delete_faces", "batch delete matching nothing",
                 lambda: m.BatchDeleteFacesRequest(face_set_name=FACE_SET,
                                                   body=m.DeleteFacesBatchReq(filter="age:[1 TO 20]")),
                 400, "FRS.0407", msg="All the data not suitable, no data to be deleted.")

        def left(r):
            ids = sorted(f.face_id for f in r.faces or [])
            expect(ids == sorted(self.need("alice") + self.need("carol")),
                   "faces left %r, expected alice's and carol's", [f.external_image_id for f in r.faces or []])
        self.ok("show_faces_by_limit", "the 2 faces left", lambda: m.ShowFacesByLimitRequest(
            face_set_name=FACE_SET, offset=0, limit=10), left)

    # gateway auth ---------------------------------------------------------------------

    def auth(self):
        # A second client signing with a wrong secret key: the gateway's APIGW.0301.
        self.err("show_all_face_sets", "a client signing with a wrong SK",
                 lambda: m.ShowAllFaceSetsRequest(), 401, "APIGW.0301", client=self.bad_client)

    def face_set_teardown(self):
        self.ok("delete_face_set", "delete %s" % FACE_SET, lambda: m.DeleteFaceSetRequest(face_set_name=FACE_SET),
                lambda r: expect(r.face_set_name == FACE_SET, "face_set_name %r", r.face_set_name))
        self.err("delete_face_set", "delete it again", lambda: m.DeleteFaceSetRequest(face_set_name=FACE_SET),
                 400, "FRS.0302")
        self.err("show_face_set", "show the deleted set", lambda: m.ShowFaceSetRequest(face_set_name=FACE_SET),
                 400, "FRS.0302")

        def gone(r):
            names = [i.face_set_name for i in r.face_sets_info or []]
            expect(FACE_SET not in names, "deleted set still listed: %r", names)
        self.ok("show_all_face_sets", "list after the delete", lambda: m.ShowAllFaceSetsRequest(), gone)

    # -- report ------------------------------------------------------------------------

    def report(self):
        passed = failed = 0
        for name in METHODS:
            problems = list(self.failures[name])
            if self.checks[name] == 0:
                problems.append("never called")
            if problems:
                failed += 1
                print("FAIL %s: %s" % (name, " | ".join(problems)))
            else:
                passed += 1
                print("PASS %s" % name)
        print("%d passed, %d failed" % (passed, failed))
        return failed == 0


def _plain(obj):
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, list):
        return [_plain(o) for o in obj]
    return obj


def _short(obj, limit=300):
    try:
        text = json.dumps(_plain(obj), default=str, sort_keys=True)
    except Exception:  # noqa: BLE001
        text = repr(obj)
    return text if len(text) <= limit else text[:limit] + "..."


def _check_warnings(warnings):
    """`warning-list`: a list of {warningCode: int, warningMsg: str} (camelCase on the wire)."""
    expect(isinstance(warnings, list), "warning_list (warning-list) %r", warnings)
    for w in warnings:
        expect(isinstance(w.warning_code, int) and isinstance(w.warning_msg, str),
               "warning %s: expected an integer warningCode and a string warningMsg", _short(w))


def _raise(exc):
    raise exc


def _hits(faces):
    return ", ".join("%s:%s" % (f.external_image_id, f.similarity) for f in faces)


# --------------------------------------------------------------------------------------
# The emulator's admin API (no auth)
# --------------------------------------------------------------------------------------

class Admin:
    PREFIX = "/__emulator"

    def __init__(self, endpoint):
        parts = urlsplit(endpoint)
        self.host, self.port = parts.hostname, parts.port

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            headers = {"Content-Type": "application/octet-stream"} if body is not None else {}
            conn.request(method, self.PREFIX + path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise RuntimeError("admin %s %s: HTTP %s %s" % (method, path, resp.status, data[:300]))
        return json.loads(data) if data else None

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body=b""):
        return self.request("POST", path, body)

    def put(self, path, body):
        return self.request("PUT", path, body)


def make_client(endpoint, ak, sk, project_id):
    config = HttpConfig.get_default_config()
    config.timeout = (10, 60)
    return FrsClient.new_builder() \
        .with_http_config(config) \
        .with_credentials(BasicCredentials(ak=ak, sk=sk, project_id=project_id)) \
        .with_endpoints([endpoint]) \
        .build()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="the emulator, http://127.0.0.1:PORT")
    ap.add_argument("--project-id", required=True)
    ap.add_argument("--ak", required=True)
    ap.add_argument("--sk", required=True)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every check")
    args = ap.parse_args()
    host = urlsplit(args.endpoint).hostname
    if host != "127.0.0.1":
        ap.error("the endpoint must be on 127.0.0.1")

    admin = Admin(args.endpoint)
    try:
        health = admin.get("/health")
    except Exception as exc:  # noqa: BLE001
        print("cannot reach the emulator's admin API at %s: %s" % (args.endpoint, exc), file=sys.stderr)
        return 2
    if not isinstance(health, dict) or health.get("status") != "ok":
        print("unexpected health answer: %r" % (health,), file=sys.stderr)
        return 2

    client = make_client(args.endpoint, args.ak, args.sk, args.project_id)
    bad_client = make_client(args.endpoint, args.ak, args.sk + "-wrong", args.project_id)
    conformance = Conformance(client, bad_client, admin, verbose=args.verbose)
    conformance.run()
    return 0 if conformance.report() else 1


if __name__ == "__main__":
    sys.exit(main())
