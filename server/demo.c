/* demo: the demo restaurant that --demo puts into a new database. */
#include "demo.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "log.h"
#include "util.h"
#include "xalloc.h"

struct demo_mod {
	const char *code, *name;
	money_t price;
};

struct demo_item {
	const char *sku, *name, *category, *station;
	money_t price;
	struct demo_mod mods[MODS_MAX];
};

static const char *const demo_categories[] = {
	"Burgers", "Mains", "Sides", "Salads", "Desserts", "Drinks", NULL,
};

static const struct demo_item demo_items[] = {
	{ "B1", "Classic Burger", "Burgers", "grill", 950,
	    { { "XCH", "Extra cheese", 100 }, { "BAC", "Add bacon", 150 },
	      { "NOON", "No onions", 0 }, { "GF", "Gluten-free bun", 100 },
	      { "WD", "Well done", 0 } } },
	{ "B2", "Cheeseburger", "Burgers", "grill", 1050,
	    { { "XCH", "Extra cheese", 100 }, { "BAC", "Add bacon", 150 },
	      { "NOON", "No onions", 0 }, { "GF", "Gluten-free bun", 100 } } },
	{ "B3", "Bacon Burger", "Burgers", "grill", 1190,
	    { { "XCH", "Extra cheese", 100 }, { "NOON", "No onions", 0 },
	      { "GF", "Gluten-free bun", 100 } } },
	{ "B4", "Veggie Burger", "Burgers", "grill", 1000,
	    { { "XCH", "Extra cheese", 100 }, { "VGN", "Vegan cheese", 120 },
	      { "GF", "Gluten-free bun", 100 } } },
	{ "B5", "Chicken Burger", "Burgers", "grill", 1050,
	    { { "SPCY", "Spicy mayo", 50 }, { "NOON", "No onions", 0 } } },
	{ "M1", "Grilled Salmon", "Mains", "grill", 1650,
	    { { "LEM", "Extra lemon", 0 }, { "NOSA", "No sauce", 0 } } },
	{ "M2", "Ribeye Steak", "Mains", "grill", 2400,
	    { { "RARE", "Rare", 0 }, { "MR", "Medium rare", 0 },
	      { "WELL", "Well done", 0 }, { "PEP", "Pepper sauce", 200 } } },
	{ "M3", "Chicken Skewers", "Mains", "grill", 1350,
	    { { "XSAU", "Extra sauce", 50 }, { "NOSA", "No sauce", 0 } } },
	{ "M4", "Pork Ribs", "Mains", "grill", 1800,
	    { { "HALF", "Half rack", -500 }, { "XSAU", "Extra sauce", 50 } } },
	{ "S1", "Fries", "Sides", "fryer", 350,
	    { { "LG", "Large", 150 }, { "NOSL", "No salt", 0 }, { "DIP", "Extra dip", 75 } } },
	{ "S2", "Sweet Potato Fries", "Sides", "fryer", 450,
	    { { "LG", "Large", 150 }, { "DIP", "Extra dip", 75 } } },
	{ "S3", "Onion Rings", "Sides", "fryer", 400,
	    { { "LG", "Large", 150 }, { "DIP", "Extra dip", 75 } } },
	{ "S4", "Mozzarella Sticks", "Sides", "fryer", 550,
	    { { "DIP", "Extra dip", 75 } } },
	{ "SA1", "Caesar Salad", "Salads", "cold", 900,
	    { { "CHK", "Add chicken", 300 }, { "NODR", "Dressing on the side", 0 },
	      { "NOCR", "No croutons", 0 } } },
	{ "SA2", "Greek Salad", "Salads", "cold", 850,
	    { { "NOFE", "No feta", 0 }, { "NODR", "Dressing on the side", 0 } } },
	{ "SA3", "Quinoa Bowl", "Salads", "cold", 1100,
	    { { "AVO", "Add avocado", 200 }, { "CHK", "Add chicken", 300 } } },
	{ "D1", "Cheesecake", "Desserts", "cold", 600,
	    { { "BERR", "Berry sauce", 50 } } },
	{ "D2", "Chocolate Brownie", "Desserts", "cold", 550,
	    { { "ICE", "With ice cream", 150 }, { "CRM", "Whipped cream", 50 } } },
	{ "D3", "Ice Cream", "Desserts", "cold", 450,
	    { { "XSC", "Extra scoop", 150 }, { "CRM", "Whipped cream", 50 } } },
	{ "DR1", "Cola", "Drinks", "bar", 250,
	    { { "LG", "Large", 100 }, { "NOICE", "No ice", 0 } } },
	{ "DR2", "Lemonade", "Drinks", "bar", 300,
	    { { "LG", "Large", 100 }, { "NOICE", "No ice", 0 } } },
	{ "DR3", "Iced Tea", "Drinks", "bar", 300,
	    { { "LG", "Large", 100 }, { "NOICE", "No ice", 0 } } },
	{ "DR4", "Coffee", "Drinks", "bar", 220,
	    { { "DEC", "Decaf", 0 }, { "OAT", "Oat milk", 50 } } },
	{ "DR5", "Draught Beer", "Drinks", "bar", 500,
	    { { "LG", "Pint", 150 } } },
};

struct demo_staff {
	const char *code, *name, *pin;
	enum staff_role role;
};

static const struct demo_staff demo_staff[] = {
	{ "k1", "Kim (cashier)", "1111", ROLE_CASHIER },
	{ "w1", "Will (waiter)", "2222", ROLE_WAITER },
	{ "c1", "Carla (chef)", "3333", ROLE_CHEF },
	{ "m1", "Maya (manager)", "4444", ROLE_MANAGER },
	{ "a1", "Alex (admin)", "5555", ROLE_ADMIN },
	{ "web", "Online storefront", "6666", ROLE_CUSTOMER },
};

/* The demo's menu: its categories, stations and items, every modifier
 * list as a group (items offering the same list share it), and two tax
 * classes at the configured rate. */
static void
demo_menu(struct menu *m, int tax_bp)
{
	static const char *const stations[] = { "grill", "fryer", "cold", "bar" };

	menu_init(m);
	m->version = 1;
	m->ntax = 2;
	xstrlcpy(m->tax[0].code, "food", sizeof m->tax[0].code);
	xstrlcpy(m->tax[0].name, "Food", sizeof m->tax[0].name);
	m->tax[0].rate_bp = tax_bp;
	xstrlcpy(m->tax[1].code, "drinks", sizeof m->tax[1].code);
	xstrlcpy(m->tax[1].name, "Drinks", sizeof m->tax[1].name);
	m->tax[1].rate_bp = tax_bp;
	for (size_t i = 0; i < sizeof stations / sizeof stations[0]; i++)
		menu_add_station(m, stations[i]);
	for (int i = 0; demo_categories[i] != NULL; i++)
		menu_add_category(m, demo_categories[i]);
	for (size_t i = 0; i < sizeof demo_items / sizeof demo_items[0]; i++) {
		const struct demo_item *d = &demo_items[i];
		struct menu_item *it = menu_add_item(m);
		struct modifier mods[MODS_MAX];
		int n = 0;

		xstrlcpy(it->sku, d->sku, sizeof it->sku);
		xstrlcpy(it->name, d->name, sizeof it->name);
		xstrlcpy(it->category, d->category, sizeof it->category);
		xstrlcpy(it->station, d->station, sizeof it->station);
		xstrlcpy(it->tax_class, strcmp(d->category, "Drinks") == 0 ? "drinks" : "food",
		    sizeof it->tax_class);
		it->price = d->price;
		it->available = true;
		for (; n < MODS_MAX && d->mods[n].code != NULL; n++) {
			memset(&mods[n], 0, sizeof mods[n]);
			xstrlcpy(mods[n].code, d->mods[n].code, sizeof mods[n].code);
			xstrlcpy(mods[n].name, d->mods[n].name, sizeof mods[n].name);
			mods[n].price = d->mods[n].price;
		}
		menu_item_offer(m, it, mods, n);
	}
}

int
demo_fill(struct store *st, int pin_iterations, int tax_bp)
{
	int64_t now = util_now_ms();
	struct menu m;

	demo_menu(&m, tax_bp);
	if (store_begin(st, STORE_MAIN) < 0)
		goto fail;
	if (store_menu_save(st, STORE_MAIN, &m) < 0 || store_meta_put(st, STORE_MAIN, "demo", "1") < 0)
		goto fail;
	for (size_t i = 0; i < sizeof demo_staff / sizeof demo_staff[0]; i++) {
		struct staff_row row;
		struct staff_row existing;

		if (store_staff_by_code(st, STORE_MAIN, demo_staff[i].code, &existing) == 0)
			continue;
		memset(&row, 0, sizeof row);
		row.store_id = STORE_MAIN;
		xstrlcpy(row.code, demo_staff[i].code, sizeof row.code);
		xstrlcpy(row.name, demo_staff[i].name, sizeof row.name);
		row.role = demo_staff[i].role;
		row.active = true;
		row.created_at = row.updated_at = now;
		auth_pin_hash(demo_staff[i].pin, pin_iterations, row.pin_hash);
		if (store_staff_insert(st, &row) < 0)
			goto fail;
	}
	if (store_commit(st) < 0)
		goto fail;
	log_info("demo restaurant: %d menu items, %zu accounts", m.nitems,
	    sizeof demo_staff / sizeof demo_staff[0]);
	menu_free(&m);
	return 0;
fail:
	store_rollback(st);
	menu_free(&m);
	return -1;
}

static bool
demo_account(const char *code)
{
	for (size_t i = 0; i < sizeof demo_staff / sizeof demo_staff[0]; i++) {
		if (strcmp(demo_staff[i].code, code) == 0)
			return true;
	}
	return false;
}

struct staff_scan {
	int others;
	char first[STAFF_MAX + 1];
};

static void
scan_staff(void *ctx, const struct staff_row *row)
{
	struct staff_scan *sc = ctx;

	if (demo_account(row->code))
		return;
	if (sc->others++ == 0)
		xstrlcpy(sc->first, row->code, sizeof sc->first);
}

int
demo_check(struct store *st, bool *fill, char *why, size_t size)
{
	struct staff_scan sc = { 0, "" };
	int64_t staff = 0, orders = 0;
	struct menu m;
	char *mark = NULL;
	int rc;

	*fill = false;
	if (store_counts(st, &staff, &orders) < 0 ||
	    (rc = store_meta_get(st, STORE_MAIN, "demo", &mark)) < 0 ||
	    store_staff_each(st, STORE_MAIN, scan_staff, &sc) < 0) {
		snprintf(why, size, "cannot read the database: %s", store_errmsg(st));
		return -1;
	}
	free(mark);
	if (rc == 0) {
		/* the demo's own database, with what was done in the demo: it
		 * stays the demo's unless a real account was added to it */
		if (sc.others > 0) {
			snprintf(why, size, "this demo database now holds an account the demo"
			    " did not make (%s): it is a restaurant's, not the demo's; run the"
			    " demo on a database of its own", sc.first);
			return -1;
		}
		return 0;
	}
	if (store_menu_load(st, STORE_MAIN, &m) < 0) {
		snprintf(why, size, "cannot read the menu: %s", store_errmsg(st));
		return -1;
	}
	if (staff > 0 || orders > 0 || m.nitems > 0) {
		snprintf(why, size, "this database is a restaurant's own (%lld staff,"
		    " %lld orders, %d menu items): --demo runs only on a new database or"
		    " the demo's own; give it another --db", (long long)staff,
		    (long long)orders, m.nitems);
		menu_free(&m);
		return -1;
	}
	menu_free(&m);
	*fill = true;
	return 0;
}
