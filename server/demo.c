/* demo: the demo restaurant that --demo puts into a new database. */
#include "demo.h"

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

int
demo_fill(struct store *st, int pin_iterations)
{
	int64_t now = util_now_ms();

	if (store_begin(st) < 0)
		return -1;
	for (int i = 0; demo_categories[i] != NULL; i++) {
		if (store_menu_put_category(st, demo_categories[i], i) < 0)
			goto fail;
	}
	for (size_t i = 0; i < sizeof demo_items / sizeof demo_items[0]; i++) {
		const struct demo_item *d = &demo_items[i];
		struct menu_item it;

		memset(&it, 0, sizeof it);
		xstrlcpy(it.sku, d->sku, sizeof it.sku);
		xstrlcpy(it.name, d->name, sizeof it.name);
		xstrlcpy(it.category, d->category, sizeof it.category);
		xstrlcpy(it.station, d->station, sizeof it.station);
		it.price = d->price;
		it.available = true;
		for (int m = 0; m < MODS_MAX && d->mods[m].code != NULL; m++) {
			xstrlcpy(it.mods[m].code, d->mods[m].code, sizeof it.mods[m].code);
			xstrlcpy(it.mods[m].name, d->mods[m].name, sizeof it.mods[m].name);
			it.mods[m].price = d->mods[m].price;
			it.nmods++;
		}
		if (store_menu_put_item(st, &it, (int)i) < 0)
			goto fail;
	}
	for (size_t i = 0; i < sizeof demo_staff / sizeof demo_staff[0]; i++) {
		struct staff_row row;
		struct staff_row existing;

		if (store_staff_by_code(st, demo_staff[i].code, &existing) == 0)
			continue;
		memset(&row, 0, sizeof row);
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
	log_info("demo restaurant: %zu menu items, %zu accounts",
	    sizeof demo_items / sizeof demo_items[0],
	    sizeof demo_staff / sizeof demo_staff[0]);
	return 0;
fail:
	store_rollback(st);
	return -1;
}
