#!/usr/bin/env python3
"""The restaurant's own menu, details and staff through the API: every change
and every refusal (each checked to change nothing), the events they make,
orders keeping what they were sold at, --demo kept apart, the first run, and
a database from the previous release brought up to this schema."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from brigade_test import (BIN, Server, ServerTest, db_rows, sqlite_only,  # noqa: E402
                          server_database, walk_in)

HERE = os.path.dirname(os.path.abspath(__file__))


def key():
    return str(uuid.uuid4())


class MenuTest(ServerTest):
    """Menu changes on the demo restaurant."""

    def setUp(self):
        self.m = self.client("m1")

    def menu(self):
        r = self.m.get("/api/v1/menu")
        self.assertEqual(r.status, 200, r)
        return r.json

    def head(self):
        return self.m.get("/api/v1/events?after=0&limit=1").json["head"]

    def events_after(self, seq):
        return self.m.get("/api/v1/events?after=%d&limit=1000" % seq).json["events"]

    def send(self, method, path, body=None, who=None, raw=None):
        c = who or self.m
        return c.request(method, path, body, raw=raw, headers={"Idempotency-Key": key()})

    def assertRefused(self, status, code, field, method, path, body=None, who=None, raw=None):
        """A refusal answers status, code and field, and changes nothing."""
        before, head = self.menu(), self.head()
        r = self.send(method, path, body, who, raw)
        self.assertEqual((r.status, r.code), (status, code), r)
        if field is not None:
            self.assertEqual(r.json["error"].get("field"), field, r)
        self.assertEqual(self.menu(), before)
        self.assertEqual(self.head(), head)
        return r

    def new_item(self, sku, **over):
        item = {"sku": sku, "name": "Item " + sku, "kitchen_name": "IT " + sku,
                "price": 700, "tax_class": "food", "station": "grill",
                "category": "Mains"}
        item.update(over)
        return item

    def test_menu_document(self):
        m = self.menu()
        for k in ("version", "currency", "tax_classes", "stations", "categories",
                  "modifier_groups", "items"):
            self.assertIn(k, m)
        self.assertGreaterEqual(m["version"], 1)
        b1 = next(i for i in m["items"] if i["sku"] == "B1")
        self.assertEqual(b1["groups"], ["B1"])
        self.assertIn("XCH", [x["code"] for x in b1["modifiers"]])
        self.assertEqual(b1["tax_class"], "food")
        # the same list of modifiers is one group shared by its items
        codes = [g["code"] for g in m["modifier_groups"]]
        self.assertEqual(len(codes), len(set(codes)))

    def test_item_lifecycle_and_events(self):
        v0, head = self.menu()["version"], self.head()
        r = self.send("POST", "/api/v1/menu/items", self.new_item("T1", position=0))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["sku"], "T1")
        self.assertEqual(r.json["menu_version"], v0 + 1)
        m = self.menu()
        self.assertEqual(m["version"], v0 + 1)
        self.assertEqual(m["items"][0]["sku"], "T1")
        self.assertEqual(m["items"][0]["kitchen_name"], "IT T1")
        ev = self.events_after(head)
        self.assertEqual([e["type"] for e in ev], ["menu.updated"])
        self.assertEqual(ev[0]["menu"]["version"], v0 + 1)

        # a change to one item travels alone
        head = self.head()
        r = self.send("PATCH", "/api/v1/menu/items/T1", {"price": 750, "name": "Item T one"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["price"], r.json["name"]), (750, "Item T one"))
        ev = self.events_after(head)
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["item"]["price"], 750)
        self.assertEqual(ev[0]["item"]["menu_version"], v0 + 2)

        # the same change again changes nothing and keeps the version
        head = self.head()
        r = self.send("PATCH", "/api/v1/menu/items/T1", {"price": 750})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.menu()["version"], v0 + 2)
        self.assertEqual(self.head(), head)

        # reorder: to the end
        n = len(self.menu()["items"])
        r = self.send("PATCH", "/api/v1/menu/items/T1", {"position": n - 1})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.menu()["items"][-1]["sku"], "T1")

        r = self.send("DELETE", "/api/v1/menu/items/T1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["retired"], {"kind": "item", "key": "T1"})
        self.assertNotIn("T1", [i["sku"] for i in self.menu()["items"]])
        self.assertRefused(404, "unknown_item", None, "DELETE", "/api/v1/menu/items/T1")

    def test_item_refusals(self):
        items = "/api/v1/menu/items"
        self.assertRefused(422, "duplicate_sku", "sku", "POST", items, self.new_item("B1"))
        self.assertRefused(422, "invalid_field", "price", "POST", items, self.new_item("T2", price=-1))
        r = self.assertRefused(422, "invalid_field", "price", "POST", items,
                               self.new_item("T2", price=10000001))
        self.assertIn("(100000.00)", r.json["error"]["message"])
        self.assertRefused(422, "invalid_field", "price", "POST", items, self.new_item("T2", price="9.50"))
        self.assertRefused(422, "unknown_tax_class", "tax_class", "POST", items,
                           self.new_item("T2", tax_class="luxury"))
        self.assertRefused(422, "unknown_station", "station", "POST", items,
                           self.new_item("T2", station="pizza"))
        self.assertRefused(422, "unknown_category", "category", "POST", items,
                           self.new_item("T2", category="Pizza"))
        self.assertRefused(422, "unknown_group", "groups[0]", "POST", items,
                           self.new_item("T2", groups=["NOPE"]))
        self.assertRefused(422, "invalid_field", "name", "POST", items, self.new_item("T2", name=""))
        self.assertRefused(422, "invalid_field", "name", "POST", items, self.new_item("T2", name="x" * 65))
        self.assertRefused(422, "invalid_field", "kitchen_name", "POST", items,
                           self.new_item("T2", kitchen_name="x" * 25))
        self.assertRefused(422, "invalid_field", "sku", "POST", items, self.new_item("T 2"))
        self.assertRefused(422, "unknown_field", "colour", "POST", items, self.new_item("T2", colour="red"))
        # a name that is not UTF-8 (Latin-1 from an old spreadsheet)
        raw = json.dumps(self.new_item("T2", name="CafX")).encode().replace(b"CafX", b"Caf\xe9")
        self.assertRefused(422, "invalid_field", "name", "POST", items, raw=raw)
        # a lone surrogate is not JSON text at all
        raw = json.dumps(self.new_item("T2")).replace("Item T2", "Item \\udc80").encode()
        self.assertRefused(400, "invalid_json", None, "POST", items, raw=raw)
        self.assertRefused(400, "invalid_json", None, "POST", items, raw=b'{"sku": "T2", ')
        self.assertRefused(422, "invalid_field", "sku", "PATCH", "/api/v1/menu/items/B1", {"sku": "B9"})
        self.assertRefused(422, "missing_field", None, "PATCH", "/api/v1/menu/items/B1", {})
        self.assertRefused(404, "unknown_item", None, "PATCH", "/api/v1/menu/items/NOPE", {"price": 1})

    def test_barcode_unique(self):
        items = "/api/v1/menu/items"
        r = self.send("POST", items, self.new_item("BC1", barcode="5012345678900"))
        self.assertEqual(r.status, 201, r)
        self.assertRefused(422, "duplicate_barcode", "barcode", "POST", items,
                           self.new_item("BC2", barcode="5012345678900"))
        self.assertEqual(self.send("DELETE", items + "/BC1").status, 200)

    def test_roles(self):
        k1, c1 = self.client("k1"), self.client("c1")
        self.assertRefused(403, "forbidden", None, "POST", "/api/v1/menu/items",
                           self.new_item("T4"), who=k1)
        self.assertRefused(403, "forbidden", "price", "PATCH", "/api/v1/menu/items/B1",
                           {"price": 1}, who=c1)
        self.assertRefused(403, "forbidden", None, "PATCH", "/api/v1/store", {"name": "X"})
        # the kitchen still takes items off and on
        r = self.send("PATCH", "/api/v1/menu/items/S2", {"available": False}, who=c1)
        self.assertEqual((r.status, r.json["available"]), (200, False), r)
        r = self.send("PATCH", "/api/v1/menu/items/S2", {"available": True}, who=c1)
        self.assertEqual(r.status, 200, r)

    def test_categories(self):
        cats = "/api/v1/menu/categories"
        r = self.send("POST", cats, {"name": "Specials", "position": 0})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.menu()["categories"][0], "Specials")
        self.assertRefused(422, "duplicate_name", "name", "POST", cats, {"name": "Specials"})
        self.assertRefused(422, "invalid_field", "name", "POST", cats, {"name": ""})
        self.assertRefused(422, "unknown_field", "colour", "POST", cats, {"name": "X", "colour": 1})
        self.assertRefused(422, "invalid_field", "position", "POST", cats, {"name": "X", "position": 999})
        r = self.send("POST", "/api/v1/menu/items", self.new_item("SP1", category="Specials"))
        self.assertEqual(r.status, 201, r)
        r = self.assertRefused(409, "category_not_empty", None, "DELETE", cats + "/Specials")
        self.assertIn("SP1", r.json["error"]["message"])
        # a rename carries its items along
        r = self.send("PATCH", cats + "/Specials", {"name": "Chef's specials"})
        self.assertEqual(r.status, 200, r)
        m = self.menu()
        self.assertIn("Chef's specials", m["categories"])
        self.assertEqual(next(i for i in m["items"] if i["sku"] == "SP1")["category"],
                         "Chef's specials")
        self.assertEqual(self.send("DELETE", "/api/v1/menu/items/SP1").status, 200)
        self.assertEqual(self.send("DELETE", cats + "/Chef%27s%20specials").status, 200)
        self.assertNotIn("Chef's specials", self.menu()["categories"])

    def test_groups_taxes_stations(self):
        groups = "/api/v1/menu/groups"
        g = {"code": "TEMP", "name": "Temperature", "min": 1, "max": 1, "required": True,
             "modifiers": [{"code": "RARE", "name": "Rare", "price": 0},
                           {"code": "WELL", "name": "Well done", "price": 0}]}
        self.assertRefused(422, "invalid_field", "min", "POST", groups, dict(g, min=2, max=1))
        self.assertRefused(422, "invalid_field", "min", "POST", groups, dict(g, min=0))
        self.assertRefused(422, "duplicate_code", "modifiers[1].code", "POST", groups,
                           dict(g, modifiers=[g["modifiers"][0], g["modifiers"][0]]))
        self.assertRefused(422, "invalid_field", "modifiers[0].price", "POST", groups,
                           dict(g, modifiers=[{"code": "X", "name": "X", "price": 20000000}]))
        self.assertEqual(self.send("POST", groups, g).status, 201)
        self.assertRefused(422, "duplicate_code", "code", "POST", groups, g)
        r = self.send("POST", "/api/v1/menu/items",
                      self.new_item("ST1", groups=["TEMP"], price=2000))
        self.assertEqual(r.status, 201, r)
        self.assertRefused(409, "group_in_use", None, "DELETE", groups + "/TEMP")
        # a group whose codes clash with another of the item's groups
        self.assertRefused(422, "duplicate_code", "groups[1]", "PATCH", "/api/v1/menu/items/B1",
                           {"groups": ["B1", "B1"]})

        # required: an order without a choice is refused, naming the line
        k1 = self.client("k1")
        r = k1.create(walk_in(items=[{"sku": "ST1", "qty": 1}]))
        self.assertEqual((r.status, r.code), (422, "modifier_required"), r)
        self.assertEqual(r.json["error"]["field"], "items[0].modifiers")
        r = k1.create(walk_in(items=[{"sku": "ST1", "qty": 1, "modifiers": ["RARE", "WELL"]}]))
        self.assertEqual((r.status, r.code), (422, "too_many_modifiers"), r)
        # a modifier taken off is refused until it is back
        r = self.send("PATCH", groups + "/TEMP/modifiers/RARE", {"available": False})
        self.assertEqual(r.status, 200, r)
        r = k1.create(walk_in(items=[{"sku": "ST1", "qty": 1, "modifiers": ["RARE"]}]))
        self.assertEqual((r.status, r.code), (422, "modifier_unavailable"), r)
        r = k1.create(walk_in(items=[{"sku": "ST1", "qty": 1, "modifiers": ["WELL"]}],
                              pay=[{"tender": "CASH", "amount": 5000}]))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["items"][0]["kitchen_name"], "IT ST1")

        # tax classes: a zero-rated item beside a taxed one
        taxes = "/api/v1/menu/tax-classes"
        self.assertRefused(422, "invalid_field", "rate_bp", "POST", taxes,
                           {"code": "lux", "name": "Luxury", "rate_bp": 10001})
        self.assertRefused(422, "duplicate_code", "code", "POST", taxes,
                           {"code": "food", "name": "Food", "rate_bp": 1})
        self.assertEqual(self.send("POST", taxes, {"code": "zero", "name": "Zero-rated",
                                                    "rate_bp": 0}).status, 201)
        self.assertEqual(self.send("PATCH", "/api/v1/menu/items/ST1",
                                   {"tax_class": "zero"}).status, 200)
        self.assertRefused(409, "tax_class_in_use", None, "DELETE", taxes + "/zero")
        r = k1.create(walk_in(items=[{"sku": "ST1", "qty": 1, "modifiers": ["WELL"]},
                                     {"sku": "B1", "qty": 1}],
                              pay=[{"tender": "CASH", "amount": 5000}]))
        self.assertEqual(r.status, 201, r)
        rate = next(t for t in self.menu()["tax_classes"] if t["code"] == "food")["rate_bp"]
        self.assertEqual(r.json["tax"], (950 * rate + 5000) // 10000)
        self.assertEqual([i["tax_rate_bp"] for i in r.json["items"]], [0, rate])

        # stations
        st = "/api/v1/menu/stations"
        self.assertEqual(self.send("POST", st, {"name": "pizza"}).status, 201)
        self.assertRefused(422, "duplicate_name", "name", "POST", st, {"name": "pizza"})
        self.assertRefused(409, "station_in_use", None, "DELETE", st + "/grill")
        self.assertEqual(self.send("DELETE", st + "/pizza").status, 200)

        for path in ("/api/v1/menu/items/ST1", groups + "/TEMP", taxes + "/zero"):
            self.assertEqual(self.send("DELETE", path).status, 200, path)

    def test_orders_keep_what_they_were_sold_at(self):
        k1 = self.client("k1")
        r = k1.create(walk_in(items=[{"sku": "D1", "qty": 1}], pay=[{"tender": "CASH", "amount": 5000}]))
        self.assertEqual(r.status, 201, r)
        oid, price = r.json["id"], r.json["items"][0]["unit_price"]
        r = self.send("PATCH", "/api/v1/menu/items/D1", {"price": price + 100, "name": "New Cake"})
        self.assertEqual(r.status, 200, r)
        o = k1.get("/api/v1/orders/%d" % oid).json
        self.assertEqual((o["items"][0]["name"], o["items"][0]["unit_price"]), ("Cheesecake", price))
        r = k1.create(walk_in(items=[{"sku": "D1", "qty": 1}], pay=[{"tender": "CASH", "amount": 5000}]))
        self.assertEqual((r.json["items"][0]["name"], r.json["items"][0]["unit_price"]),
                         ("New Cake", price + 100))
        self.send("PATCH", "/api/v1/menu/items/D1", {"price": price, "name": "Cheesecake"})

    def test_idempotent_change(self):
        k = key()
        v0 = self.menu()["version"]
        body = self.new_item("ID1")
        a = self.m.request("POST", "/api/v1/menu/items", body, headers={"Idempotency-Key": k})
        b = self.m.request("POST", "/api/v1/menu/items", body, headers={"Idempotency-Key": k})
        self.assertEqual((a.status, b.status), (201, 201))
        self.assertEqual(a.json, b.json)
        self.assertEqual(self.menu()["version"], v0 + 1)
        self.assertEqual(self.send("DELETE", "/api/v1/menu/items/ID1").status, 200)

    def test_replace_whole_menu(self):
        doc = self.menu()
        v0 = doc["version"]
        doc["items"] = [i for i in doc["items"] if i["sku"] != "DR5"]
        next(i for i in doc["items"] if i["sku"] == "B2")["price"] = 1111
        doc["items"].append(self.new_item("NEW1"))
        head = self.head()
        r = self.m.request("PUT", "/api/v1/menu?dry_run=1", doc, headers={"Idempotency-Key": key()})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["dry_run"])
        self.assertEqual(r.json["added"], [{"kind": "item", "key": "NEW1", "name": "Item NEW1"}])
        self.assertEqual(r.json["retired"], [{"kind": "item", "key": "DR5", "name": "Draught Beer"}])
        self.assertEqual(r.json["changed"][0]["key"], "B2")
        self.assertEqual(r.json["changed"][0]["fields"]["price"], [1050, 1111])
        self.assertEqual((self.menu()["version"], self.head()), (v0, head))
        r = self.m.request("PUT", "/api/v1/menu", doc, headers={"Idempotency-Key": key()})
        self.assertEqual((r.status, r.json["version"]), (200, v0 + 1), r)
        # the same document again changes nothing
        r = self.m.request("PUT", "/api/v1/menu", doc, headers={"Idempotency-Key": key()})
        self.assertEqual((r.json["added"], r.json["changed"], r.json["retired"]), ([], [], []))
        self.assertEqual(self.menu()["version"], v0 + 1)
        # an item added at the top moves nothing else; a real move is one
        # change; an item naming no tax class takes the first
        doc2 = json.loads(json.dumps(doc))
        doc2["items"].insert(0, self.new_item("TOP1", tax_class=""))
        moved = doc2["items"].pop(5)
        doc2["items"].append(moved)
        r = self.m.request("PUT", "/api/v1/menu?dry_run=1", doc2, headers={"Idempotency-Key": key()})
        self.assertEqual(r.status, 200, r)
        self.assertEqual([a["key"] for a in r.json["added"]], ["TOP1"])
        self.assertEqual([(c["key"], list(c["fields"])) for c in r.json["changed"]],
                         [(moved["sku"], ["position"])])
        r = self.m.request("PUT", "/api/v1/menu", doc2, headers={"Idempotency-Key": key()})
        self.assertEqual(r.status, 200, r)
        top = self.menu()["items"][0]
        self.assertEqual((top["sku"], top["tax_class"]), ("TOP1", self.menu()["tax_classes"][0]["code"]))
        r = self.m.request("PUT", "/api/v1/menu", doc, headers={"Idempotency-Key": key()})
        self.assertEqual(r.status, 200, r)
        # a bad entry: refused whole, naming its place in the document
        bad = json.loads(json.dumps(doc))
        bad["items"][3]["price"] = -5
        bad["items"].append(self.new_item("NEW2"))
        r = self.assertRefused(422, "invalid_field", "items[3].price", "PUT", "/api/v1/menu", bad)
        self.assertNotIn("NEW2", [i["sku"] for i in self.menu()["items"]])


class StoreTest(ServerTest):
    def test_details(self):
        a1, m1, k1 = self.client("a1"), self.client("m1"), self.client("k1")
        r = k1.get("/api/v1/store")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["services"], ["DINE_IN", "PICKUP", "DELIVERY"])
        head = a1.get("/api/v1/events?after=0&limit=1").json["head"]
        body = {"name": "Chez Zoë", "address": ["1 Rue de la Paix", "75002 Paris"],
                "phone": "+33 1 23 45 67 89", "tax_id": "FR12345678901",
                "receipt_header": ["Open every day"], "receipt_footer": ["Merci !"],
                "currency": "EUR", "day_start_hour": 5}
        r = a1.patch("/api/v1/store", body, key=key())
        self.assertEqual(r.status, 200, r)
        for k, v in body.items():
            self.assertEqual(r.json[k], v)
        self.assertEqual(k1.get("/api/v1/store").json["name"], "Chez Zoë")
        self.assertEqual(k1.get("/api/v1/menu").json["currency"], "EUR")
        ev = a1.get("/api/v1/events?after=%d" % head).json["events"]
        self.assertEqual([e["type"] for e in ev], ["store.updated"])
        for bad, field in (({"currency": "euro"}, "currency"), ({"day_start_hour": 24}, "day_start_hour"),
                           ({"address": ["x"] * 5}, "address"), ({"name": "x" * 65}, "name"),
                           ({"services": []}, "services"), ({"services": ["TAKEAWAY"]}, "services"),
                           ({"color": 1}, "color")):
            before = k1.get("/api/v1/store").json
            r = a1.patch("/api/v1/store", bad, key=key())
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.json["error"]["field"], field, r)
            self.assertEqual(k1.get("/api/v1/store").json, before)
        r = m1.patch("/api/v1/store", {"name": "Mine"}, key=key())
        self.assertEqual(r.status, 403, r)
        # a service not offered is refused
        self.assertEqual(a1.patch("/api/v1/store", {"services": ["PICKUP"]}, key=key()).status, 200)
        r = k1.create(walk_in(service="DELIVERY"))
        self.assertEqual((r.status, r.code), (422, "service_not_offered"), r)
        self.assertEqual(k1.create(walk_in()).status, 201)
        self.assertEqual(a1.patch("/api/v1/store", {"services": ["DINE_IN", "PICKUP", "DELIVERY"],
                                                   "currency": "USD"}, key=key()).status, 200)


class StaffTest(ServerTest):
    def test_staff_and_own_pin(self):
        m1 = self.client("m1")
        head = m1.get("/api/v1/events?after=0&limit=1").json["head"]
        r = m1.post("/api/v1/staff", {"staff": "k9", "name": "Kai", "role": "CASHIER", "pin": "4321"},
                    key=key())
        self.assertEqual(r.status, 201, r)
        r = m1.post("/api/v1/staff", {"staff": "m9", "name": "Max", "role": "MANAGER", "pin": "4321"},
                    key=key())
        self.assertEqual(r.status, 403, r)
        r = m1.patch("/api/v1/staff/k9", {"role": "ADMIN"}, key=key())
        self.assertEqual(r.status, 403, r)
        self.assertEqual(m1.patch("/api/v1/staff/k9", {"active": False}, key=key()).status, 200)
        self.assertEqual(m1.patch("/api/v1/staff/k9", {"active": True}, key=key()).status, 200)
        # everyone changes their own PIN: the old one, then the new one
        k9 = self.server.client()
        self.addCleanup(k9.close)
        k9.login("k9", "4321")
        r = k9.post("/api/v1/auth/pin", {"old_pin": "0000", "new_pin": "2468"}, key=key())
        self.assertEqual((r.status, r.code), (403, "wrong_pin"), r)
        r = k9.post("/api/v1/auth/pin", {"old_pin": "4321", "new_pin": "12"}, key=key())
        self.assertEqual(r.status, 422, r)
        r = k9.post("/api/v1/auth/pin", {"old_pin": "4321", "new_pin": "2468"}, key=key())
        self.assertEqual(r.status, 200, r)
        fresh = self.server.client()
        self.addCleanup(fresh.close)
        self.assertEqual(fresh.post("/api/v1/auth/login", {"staff": "k9", "pin": "4321"}).status, 401)
        self.assertEqual(fresh.post("/api/v1/auth/login", {"staff": "k9", "pin": "2468"}).status, 200)
        # managers too
        r = m1.post("/api/v1/auth/pin", {"old_pin": "4444", "new_pin": "4445"}, key=key())
        self.assertEqual(r.status, 200, r)
        r = m1.post("/api/v1/auth/pin", {"old_pin": "4445", "new_pin": "4444"}, key=key())
        self.assertEqual(r.status, 200, r)
        # the audit trail: every change an event, and no PIN or hash in any
        ev = m1.get("/api/v1/events?after=%d" % head).json["events"]
        staff_ev = [e["staff"] for e in ev if e["type"] == "staff.updated"]
        self.assertEqual([(e["staff"], e["change"]) for e in staff_ev],
                         [("k9", "created"), ("k9", "disabled"), ("k9", "enabled"),
                          ("k9", "own_pin"), ("m1", "own_pin"), ("m1", "own_pin")])
        # every text and key of the events (not the numbers: a time in ms
        # may hold "4321" by chance)
        words = []

        def walk(v):
            if isinstance(v, dict):
                for k, x in v.items():
                    words.append(k)
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str):
                words.append(v)
        walk(ev)
        text = "\n".join(words)
        for secret in ("4321", "2468", "4445", "pin_hash", "pbkdf2", "$"):
            self.assertNotIn(secret, text)

    def test_z_close_is_an_event(self):
        m1 = self.client("m1")
        head = m1.get("/api/v1/events?after=0&limit=1").json["head"]
        r = m1.post("/api/v1/reports/z", {}, key=key())
        self.assertEqual(r.status, 201, r)
        ev = m1.get("/api/v1/events?after=%d" % head).json["events"]
        self.assertEqual([e["type"] for e in ev], ["report.closed"])
        self.assertEqual(ev[0]["z"]["by"], "m1")


class FirstRunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-first-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = server_database(self.tmp)

    def run_server(self, *args, stdin=None):
        return subprocess.run([os.path.join(BIN, "brigade-server")] + list(args),
                              input=stdin, capture_output=True, text=True, timeout=60)

    def log(self):
        with open(os.path.join(self.tmp, "server.log"), errors="replace") as f:
            return f.read()

    def test_empty_database_says_how_to_begin(self):
        s = Server(self.tmp, demo=False).start()
        c = s.client()
        r = c.get("/api/v1/menu", token=False)
        self.assertEqual(r.status, 401)
        c.close()
        self.assertEqual(s.stop(), 0)
        log = self.log()
        self.assertIn("no staff yet", log)
        self.assertIn("--add-staff CODE:ADMIN:NAME", log)

    def test_demo_refuses_a_real_restaurant(self):
        r = self.run_server("--db", self.db, "--add-staff", "boss:ADMIN:The Boss", stdin="987654\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = Server(self.tmp, demo=True)
        with self.assertRaises(RuntimeError):
            s.start()
        s.stop()
        self.assertIn("a restaurant's own", self.log())
        self.assertEqual([c for (c,) in db_rows(self.db, "SELECT code FROM staff")], ["boss"])

    def test_demo_database_is_the_demos(self):
        s = Server(self.tmp, demo=True).start()
        m1 = s.client("m1")
        self.assertEqual(m1.create(walk_in()).status, 201)
        m1.close()
        self.assertEqual(s.stop(), 0)
        s.start()          # the demo's own database, with its orders: fine
        a1 = s.client("a1")
        r = a1.post("/api/v1/staff", {"staff": "zoe", "name": "Zoe", "role": "ADMIN", "pin": "8642"},
                    key=key())
        self.assertEqual(r.status, 201, r)
        a1.close()
        self.assertEqual(s.stop(), 0)
        with self.assertRaises(RuntimeError):
            s.start()      # now it holds a real account: the demo stays out
        s.stop()
        self.assertIn("did not make (zoe)", self.log())
        s.demo = False
        s.start()          # as a restaurant's own it still serves
        self.assertEqual(s.client().post("/api/v1/auth/login",
                                         {"staff": "zoe", "pin": "8642"}).status, 200)
        self.assertEqual(s.stop(), 0)


@sqlite_only
class MigrationTest(unittest.TestCase):
    """tests/data/schema2.db was written by the previous release (schema 2):
    the demo restaurant, three orders, S3 taken off."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-migrate-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        shutil.copy(os.path.join(HERE, "..", "data", "schema2.db"), os.path.join(self.tmp, "brigade.db"))

    def test_upgrade(self):
        s = Server(self.tmp, demo=False).start()
        try:
            m1 = s.client("m1")
            menu = m1.get("/api/v1/menu").json
            b1 = next(i for i in menu["items"] if i["sku"] == "B1")
            self.assertEqual([x["code"] for x in b1["modifiers"]], ["XCH", "BAC", "NOON", "GF", "WD"])
            self.assertFalse(next(i for i in menu["items"] if i["sku"] == "S3")["available"])
            self.assertEqual(menu["stations"], ["grill", "fryer", "cold", "bar"])
            self.assertEqual([t["code"] for t in menu["tax_classes"]], ["std"])
            self.assertEqual(next(i for i in menu["items"] if i["sku"] == "B1")["tax_class"], "std")
            self.assertEqual(len(m1.get("/api/v1/orders?status=PAID,PREPARING").json["orders"]), 3)
            r = m1.create(walk_in(items=[{"sku": "B1", "qty": 1, "modifiers": ["WD"]}]))
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json["number"], 4)
            m1.close()
        finally:
            self.assertEqual(s.stop(), 0)
        db = sqlite3.connect(s.db)
        self.assertEqual(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone(), ("4",))
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        self.assertNotIn("menu_items", tables)
        db.close()

    def test_newer_database_refused(self):
        db = sqlite3.connect(os.path.join(self.tmp, "brigade.db"))
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
        db.commit()
        db.close()
        s = Server(self.tmp, demo=False)
        with self.assertRaises(RuntimeError):
            s.start()
        s.stop()
        with open(os.path.join(self.tmp, "server.log")) as f:
            self.assertIn("written by a newer brigade-server (schema 99", f.read())


if __name__ == "__main__":
    unittest.main()
