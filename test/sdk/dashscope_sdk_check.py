"""Drives the simulator with the official DashScope Python SDK, unchanged, and prints what it saw as JSON.

Only the base URL and the key differ from a call to the paid service.
"""
import json
import os
import sys

import dashscope
from dashscope import VideoSynthesis

dashscope.base_http_api_url = os.environ["DASHSCOPE_HTTP_BASE_URL"]
KEY = os.environ["DASHSCOPE_API_KEY"]
out = {"sdk_version": dashscope.__version__}

done = VideoSynthesis.call(api_key=KEY, model="wan2.7-t2v", prompt="a cat on a skateboard", resolution="720P", duration=2)
out["call"] = {"status_code": done.status_code, "task_status": done.output.task_status, "video_url": done.output.video_url, "usage": dict(done.usage or {})}

img = VideoSynthesis.call(api_key=KEY, model="wan2.7-i2v", prompt="it moves", media=[{"type": "first_frame", "url": sys.argv[1]}], resolution="720P", duration=2)
out["i2v"] = {"status_code": img.status_code, "task_status": img.output.task_status, "ratio": (img.usage or {}).get("ratio")}

# A local file: the SDK uploads it through getPolicy and the OSS form POST, then sends oss:// with the
# resolve header.
local = VideoSynthesis.call(api_key=KEY, model="wan2.7-i2v", prompt="from disk", media=[{"type": "first_frame", "url": "file://" + sys.argv[2]}], resolution="720P", duration=2)
out["local_file"] = {"status_code": local.status_code, "task_status": local.output.task_status, "ratio": (local.usage or {}).get("ratio")}

pending = VideoSynthesis.async_call(api_key=KEY, model="wan2.7-t2v", prompt="to be cancelled", resolution="720P", duration=2)
out["async_call"] = {"status_code": pending.status_code, "task_status": pending.output.task_status}
out["cancel"] = {"status_code": VideoSynthesis.cancel(pending, api_key=KEY).status_code}
out["fetch"] = {"task_status": VideoSynthesis.fetch(pending, api_key=KEY).output.task_status}
listed = VideoSynthesis.list(api_key=KEY, model_name="wan2.7-t2v")
out["list"] = {"status_code": listed.status_code, "total": listed.output["total"]}

# Wan 3.0: the SDK has no wan3 constants; it passes the typed media through (and a workspace as its header).
wan3 = VideoSynthesis.call(api_key=KEY, model="wan3.0-video", prompt="Image 1 waves", media=[{"type": "reference_image", "url": sys.argv[1]}], resolution="480P", duration=-1, workspace="ws-check")
out["wan3"] = {"status_code": wan3.status_code, "task_status": wan3.output.task_status, "usage": dict(wan3.usage or {})}
mixed = VideoSynthesis.call(api_key=KEY, model="wan3.0-video-prime", prompt="p", media=[{"type": "first_frame", "url": sys.argv[1]}, {"type": "reference_image", "url": sys.argv[1]}], resolution="480P", duration=2)
out["wan3_mixed"] = {"status_code": mixed.status_code, "task_status": mixed.output.task_status, "code": mixed.output.code, "message": mixed.output.message}

bad = VideoSynthesis.async_call(api_key=KEY, model="wan2.7-t2v", prompt="too long", duration=16)
out["invalid"] = {"status_code": bad.status_code, "code": bad.code, "message": bad.message}
print(json.dumps(out))
