"""brigadectl_menu: a restaurant's own menu, details and staff from the
command line, against the real brigade-server on a fresh database holding
one admin (no demo): the sample menu of docs/examples imported, the same
file again changing nothing, files with bad rows refused with their row and
column and nothing changed (mistakes found by brigadectl and by the
server), export -> import changing nothing, a changed file saying exactly
what it changes, store show and set, and staff add, set, disable and own
PIN with PINs from standard input and typed at a terminal, never shown."""
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from brigade_test import BIN, Client, Server  # noqa: E402

CTL = os.path.join(BIN, "brigadectl")
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                      "examples", "menu.csv")
BOSS, BOSS_PIN = "boss", "987654"


def read_sample():
    with open(SAMPLE, encoding="utf-8") as f:
        return f.read()


def row_of(text, prefix):
    """The 1-based row of the line starting with prefix (no quoted line
    breaks in the sample, so rows are lines)."""
    for i, line in enumerate(text.split("\n")):
        if line.startswith(prefix):
            return i + 1
    raise AssertionError("no row starts with %r" % prefix)


def replace_row(text, prefix, new):
    lines = text.split("\n")
    i = row_of(text, prefix) - 1
    lines[i] = new
    return "\n".join(lines)


class Restaurant(unittest.TestCase):
    """A fresh restaurant per test: its database, one admin, a server."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brigade-ctl-menu-")
        self.server = Server(self.tmp, demo=False)
        r = subprocess.run([os.path.join(BIN, "brigade-server"), "--db", self.server.db,
                            "--add-staff", "%s:ADMIN:The Boss" % BOSS],
                           input=BOSS_PIN + "\n", capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server.start()
        self.api = Client(self.server.port)
        self.api.login(BOSS, BOSS_PIN)

    def tearDown(self):
        self.api.close()
        rc = self.server.stop()
        if rc not in (0, None):
            with open(os.path.join(self.tmp, "server.log"), errors="replace") as f:
                sys.stderr.write("\n--- server.log (exit %s) ---\n%s\n" % (rc, f.read()[-20000:]))
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertIn(rc, (0, None))

    def env(self, staff=BOSS, pin=BOSS_PIN, port=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
        env.update({
            "BRIGADE_SERVER": "http://127.0.0.1:%d" % (port or self.server.port),
            "BRIGADE_STAFF": staff,
            "BRIGADE_PIN": pin,
            "BRIGADE_TERMINAL": "test-ctl",
            "BRIGADE_OUTBOX": os.path.join(self.tmp, "outbox.db"),
            "BRIGADE_TIMEOUT_MS": "10000",
            "BRIGADE_RETRIES": "1",
            "XDG_CONFIG_HOME": self.tmp,
            "XDG_STATE_HOME": self.tmp,
        })
        return env

    def ctl(self, *args, input=None, staff=BOSS, pin=BOSS_PIN, port=None):
        # a session of its own: no terminal to ask for a PIN on
        return subprocess.run([CTL] + [str(a) for a in args], input=input,
                              capture_output=True, text=True, timeout=120,
                              env=self.env(staff, pin, port), cwd=self.tmp,
                              start_new_session=True)

    def write(self, name, text):
        """A file in the work directory (where brigadectl runs): its name."""
        with open(os.path.join(self.tmp, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return name

    def menu(self):
        r = self.api.get("/api/v1/menu")
        self.assertEqual(r.status, 200, r)
        return r.json

    def head(self):
        return self.api.get("/api/v1/events?after=0&limit=1").json["head"]

    def state(self):
        """What a refused import must leave as it was."""
        return self.menu(), self.head()

    def import_sample(self):
        r = self.ctl("menu", "import", SAMPLE)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r


class MenuImport(Restaurant):
    def test_sample_then_the_same_again(self):
        before = self.state()
        r = self.ctl("menu", "import", SAMPLE, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        # 3 tax classes, 4 stations, 8 categories, 16 groups, 68 items; the
        # new database's own tax class goes
        self.assertEqual(lines[-1], "dry run: 99 to add, 0 to change, 1 to retire; "
                                    "nothing was changed")
        self.assertIn('add item B1 "Classic Burger"', lines)
        self.assertIn('add group DONE "Doneness"', lines)
        self.assertIn('add category "Beer & wine"', lines)
        self.assertIn("add station grill", lines)
        self.assertIn('add tax alcohol "Alcohol"', lines)
        self.assertIn('retire tax std "Standard"', lines)
        self.assertEqual(len(lines), 101)
        self.assertEqual(self.state(), before)

        r = self.ctl("menu", "import", SAMPLE)
        self.assertEqual(r.returncode, 0, r.stderr)
        v = before[0]["version"] + 1
        self.assertEqual(r.stdout.splitlines()[-1],
                         "menu version %d: 99 added, 0 changed, 1 retired" % v)
        m = self.menu()
        self.assertEqual(m["version"], v)
        self.assertEqual(len(m["items"]), 68)
        self.assertEqual(m["categories"], ["Burgers", "Mains", "Sides", "Salads", "Desserts",
                                           "Hot drinks", "Cold drinks", "Beer & wine"])
        self.assertEqual(m["stations"], ["grill", "fryer", "cold", "bar"])
        self.assertEqual([(t["code"], t["rate_bp"]) for t in m["tax_classes"]],
                         [("food", 825), ("alcohol", 1025), ("zero", 0)])
        items = {i["sku"]: i for i in m["items"]}
        b1 = items["B1"]
        self.assertEqual((b1["name"], b1["kitchen_name"], b1["price"], b1["tax_class"],
                          b1["station"], b1["groups"]),
                         ("Classic Burger", "CLASSIC", 950, "food", "grill",
                          ["BUN", "DONE", "BEXTRA", "HOLD"]))
        self.assertFalse(items["D7"]["available"])
        self.assertEqual(items["D6"]["name"], "Crème Brûlée")
        self.assertEqual(items["W5"]["barcode"], "5012345000046")
        groups = {g["code"]: g for g in m["modifier_groups"]}
        self.assertEqual((groups["DONE"]["min"], groups["DONE"]["max"],
                          groups["DONE"]["required"]), (1, 1, True))
        self.assertEqual([(x["code"], x["price"]) for x in groups["RACK"]["modifiers"]],
                         [("FULL", 0), ("HALF", -500)])

        head = self.head()
        r = self.ctl("menu", "import", SAMPLE)
        self.assertEqual((r.returncode, r.stdout), (0, "nothing to change\n"), r.stderr)
        self.assertEqual(self.menu()["version"], v)
        self.assertEqual(self.head(), head)

        # the menu sells: an order with the sample's modifiers
        r = self.api.create({"source": "POS", "service": "PICKUP",
                             "items": [{"sku": "M4", "qty": 1, "modifiers": ["HALF", "SFRY"]}],
                             "payments": [{"tender": "CASH", "amount": 2000}]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["items"][0]["unit_price"], 1300)

    def test_bad_rows_change_nothing(self):
        self.import_sample()
        sample = read_sample()
        before = self.state()

        # found here: every mistake, by row and column; nothing is sent
        row_b1, row_b3 = row_of(sample, "item,B1,"), row_of(sample, "item,B3,")
        text = sample.replace("item,B1,Classic Burger,9.50,", 'item,B1,Classic Burger,"9,5O",')
        text = text.replace("item,B3,Bacon Cheeseburger,11.90,Burgers,",
                            "item,B3,Bacon Cheeseburger,11.90,Burgrs,")
        r = self.ctl("menu", "import", self.write("menu.csv", text))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.splitlines(), [
            'menu.csv:%d:4: price: "9,5O" is not an amount (write it like 9.50)' % row_b1,
            'menu.csv:%d:5: category: no category row is named "Burgrs"' % row_b3,
            "brigadectl: nothing was sent",
        ])
        self.assertEqual(self.state(), before)

        # found by the server: traced back to the row and column
        row = row_of(sample, "group,BUN,")
        text = replace_row(sample, "group,BUN,", "group,BUN,Bun,,,,,,,,,,0,1,yes")
        r = self.ctl("menu", "import", self.write("menu.csv", text))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("menu.csv:%d:13: min: " % row, r.stderr)
        self.assertIn("modifier_groups[0].min", r.stderr)
        self.assertIn("nothing was changed", r.stderr)
        self.assertEqual(self.state(), before)

        row = row_of(sample, "item,W6,")
        text = sample.replace("House Red,6.50,Beer & wine,alcohol,bar,,WINE,yes,",
                              "House Red,6.50,Beer & wine,alcohol,bar,,WINE,yes,5012345000046")
        r = self.ctl("menu", "import", self.write("menu.csv", text), "--dry-run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("menu.csv:%d:11: barcode: " % row, r.stderr)
        self.assertIn("duplicate_barcode", r.stderr)
        self.assertEqual(self.state(), before)

        # a JSON file: named by its path
        doc = self.menu()
        doc["items"][3]["price"] = -1
        r = self.ctl("menu", "import", self.write("menu.json", json.dumps(doc)))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("menu.json: items[3].price: ", r.stderr)
        self.assertEqual(self.state(), before)

        # no server: nothing can change, and that is said
        r = self.ctl("menu", "import", SAMPLE, port=1)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(self.state(), before)

    def test_a_changed_file_says_what_it_changes(self):
        self.import_sample()
        sample = read_sample()
        text = sample.replace("item,B1,Classic Burger,9.50,", "item,B1,Classic Burger,9.90,")
        text = replace_row(text, "item,S3,", "")
        text = text.replace("modifier,XCH,Extra cheese,1.00,", "modifier,XCH,Extra cheese,1.20,")
        text = replace_row(text, "item,B9,", sample.split("\n")[row_of(sample, "item,B9,") - 1]
                           + "\nitem,B10,Smash Burger,12.00,Burgers,food,grill,SMASH,BUN|DONE,yes,,,,,")
        # Desserts before Burgers: a move; the rest only shift
        text = replace_row(text, "category,,Desserts,", "")
        text = replace_row(text, "category,,Burgers,", "category,,Desserts,,,,,,,,,,,,\n"
                           "category,,Burgers,,,,,,,,,,,,")
        path = self.write("menu.csv", text)
        v = self.menu()["version"]
        want = [
            'add item B10 "Smash Burger"',
            "move category Desserts to the top",
            "change modifier BEXTRA/XCH price 1.00 -> 1.20",
            "change item B1 price 9.50 -> 9.90",
            'retire item S3 "Onion Rings"',
        ]
        r = self.ctl("menu", "import", path, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), want + [
            "dry run: 1 to add, 3 to change, 1 to retire; nothing was changed"])
        r = self.ctl("menu", "import", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), want + [
            "menu version %d: 1 added, 3 changed, 1 retired" % (v + 1)])
        m = self.menu()
        self.assertEqual(m["categories"][0], "Desserts")
        self.assertEqual([i["sku"] for i in m["items"]][:10],
                         ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10"])
        # from standard input, the same file again
        r = self.ctl("menu", "import", "-", input=text)
        self.assertEqual((r.returncode, r.stdout), (0, "nothing to change\n"), r.stderr)

    def test_export_then_import_changes_nothing(self):
        self.import_sample()
        r = self.ctl("menu", "export")
        self.assertEqual(r.returncode, 0, r.stderr)
        # the sample is written the way export writes (but for LF)
        self.assertEqual(r.stdout.replace("\r\n", "\n"), read_sample())

        # changes made elsewhere (the till, the API) come out in the export
        key = {"Idempotency-Key": "ctl-menu-test-1"}
        self.assertEqual(self.api.request("PATCH", "/api/v1/menu/items/S3",
                                          {"available": False}, headers=key).status, 200)
        key = {"Idempotency-Key": "ctl-menu-test-2"}
        r = self.api.request("PATCH", "/api/v1/menu/items/B2",
                             {"name": 'Say "cheese", twice', "price": 1111}, headers=key)
        self.assertEqual(r.status, 200, r)
        for fmt, name in (("csv", "export.csv"), ("json", "export.json")):
            r = self.ctl("menu", "export", "--format", fmt)
            self.assertEqual(r.returncode, 0, r.stderr)
            path = self.write(name, r.stdout)
            head, version = self.head(), self.menu()["version"]
            r = self.ctl("menu", "import", path)
            self.assertEqual((r.returncode, r.stdout), (0, "nothing to change\n"), r.stderr)
            self.assertEqual((self.head(), self.menu()["version"]), (head, version))
        with open(os.path.join(self.tmp, "export.csv")) as f:
            self.assertIn('item,B2,"Say ""cheese"", twice",11.11,', f.read())
        with open(os.path.join(self.tmp, "export.json")) as f:
            self.assertNotIn("modifiers", json.load(f)["items"][0])
        # CRLF line ends, as RFC 4180 has them
        raw = subprocess.run([CTL, "menu", "export"], capture_output=True, timeout=60,
                             env=self.env()).stdout
        self.assertEqual(raw.count(b"\n"), raw.count(b"\r\n"))
        self.assertEqual(raw.count(b"\n"), len(read_sample().splitlines()))

    def test_a_spreadsheet_in_french(self):
        """Semicolons, decimal commas, a byte order mark, CRLF, columns in
        another order, comments."""
        text = ("\ufeffType;Code;Name;Rate;Price;Category;Tax;Station;Comment\r\n"
                "tax;tva10;TVA 10 %;10;;;;;sur place\r\n"
                "# les plats;;;;;;;;\r\n"
                "category;;Plats;;;;;;\r\n"
                "item;P1;Steak frites;;14,50;Plats;tva10;grill;\r\n"
                "item;P2;Caf\u00e9 cr\u00e8me;;2,8;Plats;tva10;bar;\r\n")
        r = self.ctl("menu", "import", self.write("carte.csv", text))
        self.assertEqual(r.returncode, 0, r.stderr)
        m = self.menu()
        self.assertEqual([(i["sku"], i["name"], i["price"]) for i in m["items"]],
                         [("P1", "Steak frites", 1450), ("P2", "Café crème", 280)])
        self.assertEqual(m["stations"], ["grill", "bar"])

    def test_usage(self):
        for args in (["menu", "import"], ["menu", "import", "menu.txt"],
                     ["menu", "export", "--format", "xml"], ["menu", "frob"],
                     ["menu", "import", "a.csv", "b.csv"]):
            r = self.ctl(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("Try 'brigadectl --help'", r.stderr)
        r = self.ctl("menu", "import", os.path.join(self.tmp, "missing.csv"))
        self.assertEqual(r.returncode, 2, r.stderr)
        # a chef may read the menu but not import one
        r = self.ctl("staff", "add", "c2", "--name", "Chef", "--role", "CHEF", "--pin-stdin",
                     input="2468\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("menu", "export", staff="c2", pin="2468")
        self.assertEqual(r.returncode, 0, r.stderr)
        before = self.state()
        r = self.ctl("menu", "import", SAMPLE, staff="c2", pin="2468")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("forbidden", r.stderr)
        self.assertEqual(self.state(), before)


class Store(Restaurant):
    def test_show_and_set(self):
        r = self.ctl("store", "show")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), self.api.get("/api/v1/store").json)

        r = self.ctl("store", "set", "name=Chez Zoë", "address=1 Rue X|75001 Paris",
                     "phone=+33 1 23 45 67 89", "tax_id=FR12345678901",
                     "receipt_header=Open every day", "receipt_footer=Merci !|À bientôt",
                     "currency=eur", "day_start_hour=5", "services=dine_in,PICKUP")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = {"name": "Chez Zoë", "address": ["1 Rue X", "75001 Paris"],
                "phone": "+33 1 23 45 67 89", "tax_id": "FR12345678901",
                "receipt_header": ["Open every day"], "receipt_footer": ["Merci !", "À bientôt"],
                "currency": "EUR", "day_start_hour": 5, "services": ["DINE_IN", "PICKUP"]}
        got = json.loads(r.stdout)
        self.assertEqual({k: got[k] for k in want}, want)
        self.assertEqual(self.api.get("/api/v1/store").json, got)
        # an empty value: no lines
        r = self.ctl("store", "set", "receipt_header=")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["receipt_header"], [])

        store = self.api.get("/api/v1/store").json
        for args in (["services=TAKEAWAY"], ["day_start_hour=24"], ["currency=EURO"],
                     ["colour=red"], ["name"], ["name=a", "name=b"], []):
            r = self.ctl("store", "set", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        r = self.ctl("store", "set", "name=" + "x" * 65)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("name", r.stderr)
        # an admin's: a manager reads, but does not change
        r = self.ctl("staff", "add", "m2", "--name", "Max", "--role", "MANAGER", "--pin-stdin",
                     input="135790\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("store", "set", "name=Max's", staff="m2", pin="135790")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.api.get("/api/v1/store").json, store)


class Staff(Restaurant):
    def login(self, staff, pin):
        c = Client(self.server.port)
        try:
            return c.post("/api/v1/auth/login", {"staff": staff, "pin": pin}).status
        finally:
            c.close()

    def assertNoPin(self, r, *pins):
        for pin in pins:
            self.assertNotIn(pin, r.stdout)
            self.assertNotIn(pin, r.stderr)

    def test_add_set_disable(self):
        r = self.ctl("staff", "add", "m2", "--name", "Max", "--role", "manager", "--pin-stdin",
                     input="135790\n")
        self.assertEqual((r.returncode, r.stdout), (0, 'added staff m2 "Max" MANAGER\n'), r.stderr)
        self.assertNoPin(r, "135790")
        self.assertEqual(self.login("m2", "135790"), 200)

        # a manager adds a cashier, but not an admin
        mgr = {"staff": "m2", "pin": "135790"}
        r = self.ctl("staff", "add", "k2", "--name", "Kai Zoë", "--role", "CASHIER",
                     "--pin-stdin", input="2468\n", **mgr)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("staff", "add", "a2", "--name", "Al", "--role", "ADMIN", "--pin-stdin",
                     input="2468\n", **mgr)
        self.assertEqual(r.returncode, 1, r.stderr)
        r = self.ctl("staff", "add", "k2", "--name", "Again", "--role", "CASHIER",
                     "--pin-stdin", input="2468\n", **mgr)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("staff_exists", r.stderr)

        r = self.ctl("staff", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["CODE", "NAME", "ROLE", "STATUS"])
        self.assertIn(["k2", "Kai", "Zoë", "CASHIER", "active"], [l.split() for l in lines])
        # the columns line up, names with accents too
        starts = {min(l.index(w) for w in ("ROLE", "ADMIN", "MANAGER", "CASHIER") if w in l)
                  for l in lines}
        self.assertEqual(len(starts), 1, lines)
        r = self.ctl("staff", "list", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(s["staff"] for s in json.loads(r.stdout)["staff"]),
                         ["boss", "k2", "m2"])

        r = self.ctl("staff", "set", "k2", "--role", "waiter", "--name", "Kai", **mgr)
        self.assertEqual((r.returncode, r.stdout), (0, 'changed staff k2 "Kai" WAITER active\n'),
                         r.stderr)
        r = self.ctl("staff", "set", "k2", "--reset-pin", "--pin-stdin", input="97531\n", **mgr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNoPin(r, "97531")
        self.assertEqual(self.login("k2", "2468"), 401)
        self.assertEqual(self.login("k2", "97531"), 200)

        r = self.ctl("staff", "disable", "k2", **mgr)
        self.assertEqual((r.returncode, r.stdout), (0, 'disabled staff k2 "Kai" WAITER\n'),
                         r.stderr)
        self.assertEqual(self.login("k2", "97531"), 401)
        r = self.ctl("staff", "list", **mgr)
        self.assertIn(["k2", "Kai", "WAITER", "disabled"], [l.split() for l in r.stdout.splitlines()])
        r = self.ctl("staff", "set", "k2", "--enable", **mgr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.login("k2", "97531"), 200)

        # one's own PIN: the current one, then the new one
        r = self.ctl("staff", "pin", "--pin-stdin", input="97531\n86420\n", staff="k2",
                     pin="97531")
        self.assertEqual((r.returncode, r.stdout), (0, "changed the PIN of k2\n"), r.stderr)
        self.assertEqual(self.login("k2", "86420"), 200)
        r = self.ctl("staff", "pin", "--pin-stdin", input="11111\n22222\n", staff="k2",
                     pin="86420")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.login("k2", "86420"), 200)

        # refused before anything is sent
        staff = self.api.get("/api/v1/staff").json
        for args, stdin in ((["add", "k3", "--name", "K", "--role", "CASHIER", "--pin-stdin"], "12\n"),
                            (["add", "k3", "--name", "K", "--role", "CASHIER", "--pin-stdin"], ""),
                            (["add", "k3", "--name", "K", "--role", "BOSS", "--pin-stdin"], "1234\n"),
                            (["add", "k3", "--role", "CASHIER", "--pin-stdin"], "1234\n"),
                            (["add", "k/3", "--name", "K", "--role", "CASHIER", "--pin-stdin"], "1234\n"),
                            (["set", "k2"], None), (["set", "k2", "--pin-stdin"], "1234\n"),
                            (["disable"], None), (["frob"], None)):
            r = self.ctl("staff", *args, input=stdin)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        # no terminal and no --pin-stdin: said so
        r = self.ctl("staff", "add", "k3", "--name", "K", "--role", "CASHIER", input="")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(self.api.get("/api/v1/staff").json, staff)

        # no PIN anywhere: not in the outbox (changes are not queued), not in
        # the events
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "outbox.db")))
        events = json.dumps(self.api.get("/api/v1/events?after=0&limit=1000").json)
        for pin in ("135790", "2468", "97531", "86420"):
            self.assertNotIn(pin, events)

    def typed(self, args, answers):
        """brigadectl on a terminal: answers typed at each prompt."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(CTL, [CTL] + args, self.env())
        out = b""
        deadline = time.time() + 30
        pending = list(answers)
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
                if pending and out.rstrip().endswith(pending[0][0].encode()):
                    os.write(fd, pending.pop(0)[1].encode() + b"\n")
        if time.time() >= deadline:
            os.kill(pid, signal.SIGKILL)   # still asking: fail, do not hang
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), out.decode(errors="replace")

    def test_pin_typed_twice_without_echo(self):
        rc, out = self.typed(["staff", "add", "k4", "--name", "Kim", "--role", "CASHIER"],
                             [("PIN for k4:", "3141"), ("Again:", "3141")])
        self.assertEqual(rc, 0, out)
        self.assertIn('added staff k4 "Kim" CASHIER', out)
        self.assertNotIn("3141", out)
        self.assertEqual(self.login("k4", "3141"), 200)

        rc, out = self.typed(["staff", "set", "k4", "--reset-pin"],
                             [("New PIN for k4:", "2718"), ("Again:", "2719")])
        self.assertEqual(rc, 2, out)
        self.assertIn("the two PINs differ: nothing was changed", out)
        self.assertNotIn("271", out)
        self.assertEqual(self.login("k4", "3141"), 200)


if __name__ == "__main__":
    unittest.main()
