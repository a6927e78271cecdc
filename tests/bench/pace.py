#!/usr/bin/env python3
"""pace: create orders at a steady rate (the load for the fan-out bench).

    pace.py PORT TOKEN RATE COUNT
"""
import http.client
import json
import sys
import time
import uuid

port, token, rate, count = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
body = json.dumps({"source": "POS", "service": "PICKUP",
                   "items": [{"sku": "B1", "qty": 1}, {"sku": "S1", "qty": 1}],
                   "payments": [{"tender": "CASH", "amount": 2000}]})
conn = http.client.HTTPConnection("127.0.0.1", port)
start = time.monotonic()
for i in range(count):
    due = start + i / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    conn.request("POST", "/api/v1/orders", body=body,
                 headers={"Authorization": "Bearer " + token, "Idempotency-Key": str(uuid.uuid4()),
                          "Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    if r.status != 201:
        sys.exit("order %d: HTTP %d" % (i, r.status))
