/* ticket: lines, quantities, modifiers, service details, totals, tenders. */
#include "ticket.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"
#include "xalloc.h"

static const char *const ticket_messages[TICKET_ERR_COUNT] = {
	[TICKET_OK] = "",
	[TICKET_EMPTY_ENTRY] = "Type an item's PLU, or / to search by name",
	[TICKET_BAD_ENTRY] = "Not a PLU: type the item's code, 3*CODE for three",
	[TICKET_UNKNOWN_ITEM] = "Unknown PLU: no item with that code on the menu",
	[TICKET_UNAVAILABLE] = "86'd: that item is off the menu right now",
	[TICKET_FULL] = "The ticket is full (100 lines)",
	[TICKET_BAD_QTY] = "Quantity must be from 1 to 99",
	[TICKET_NO_LINE] = "Select a line first (Up/Down)",
	[TICKET_UNKNOWN_MODIFIER] = "That item does not offer this modifier",
	[TICKET_TOO_MANY_MODS] = "At most 8 modifiers on a line",
	[TICKET_GROUP_FULL] = "That group has all the choices it takes: take one off first",
	[TICKET_TOO_LONG] = "Too long (or not valid text)",
	[TICKET_BAD_AMOUNT] = "Not an amount: type it like 20 or 12.50",
	[TICKET_NOTHING_DUE] = "Nothing is due: the ticket is paid",
	[TICKET_CARD_OVER] = "A card pays at most what is due; only cash gives change",
	[TICKET_CARD_CHARGED] = "A card was charged for this ticket: finish the sale, then "
	    "refund what is not wanted",
	[TICKET_TOO_MANY_TENDERS] = "At most 4 tenders on one order",
	[TICKET_NO_ITEMS] = "The ticket is empty: add items first",
	[TICKET_NEEDS_TABLE] = "Dine-in needs a table number (F4)",
	[TICKET_NEEDS_ADDRESS] = "Delivery needs a phone and an address (F4)",
	[TICKET_TOO_LARGE] = "The total is too large",
	[TICKET_BAD_DISCOUNT] = "A discount is 1 to 100 %, or an amount no larger than "
	    "what it is taken off",
	[TICKET_PAID_BEFORE] = "That was paid at the refused sale: it stays with the ticket",
};

const char *
ticket_err_message(enum ticket_err e)
{
	return (unsigned)e < TICKET_ERR_COUNT ? ticket_messages[e] : "?";
}

void
ticket_init(struct ticket *t, enum service_type service, int tax_bp)
{
	memset(t, 0, sizeof *t);
	t->source = SOURCE_POS;
	t->service = service;
	t->tax_bp = tax_bp;
	t->sel = -1;
}

void
ticket_clear(struct ticket *t, enum service_type service)
{
	ticket_init(t, service, t->tax_bp);
}

const struct menu_item *
ticket_find_item(const struct menu *m, const char *sku)
{
	for (int i = 0; m != NULL && i < m->nitems; i++) {
		if (strcasecmp(m->items[i].sku, sku) == 0)
			return &m->items[i];
	}
	return NULL;
}

enum ticket_err
ticket_parse_entry(const char *text, int *qty, char *sku, size_t skusize)
{
	const char *star = strchr(text, '*');
	const char *code = text;

	*qty = 0;
	sku[0] = '\0';
	while (*code == ' ')
		code++;
	if (*code == '\0')
		return TICKET_EMPTY_ENTRY;
	if (star != NULL) {
		int n = 0;

		if (star == code)
			return TICKET_BAD_ENTRY;
		for (const char *p = code; p < star; p++) {
			if (!isdigit((unsigned char)*p))
				return TICKET_BAD_ENTRY;
			if (n <= QTY_MAX)
				n = n * 10 + (*p - '0');
		}
		if (n < 1 || n > QTY_MAX)
			return TICKET_BAD_QTY;
		*qty = n;
		code = star + 1;
	}
	size_t len = strlen(code);

	while (len > 0 && code[len - 1] == ' ')
		len--;
	if (len >= skusize || len > SKU_MAX)
		return TICKET_UNKNOWN_ITEM;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)code[i];

		if (!isalnum(c) && c != '-' && c != '_')
			return TICKET_BAD_ENTRY;
	}
	memcpy(sku, code, len);
	sku[len] = '\0';
	return TICKET_OK;
}

/* ticket_add; any: an 86'd item too (to price what was sold). */
static enum ticket_err
add_item(struct ticket *t, const struct menu *m, const char *sku, int qty, bool any)
{
	const struct menu_item *it = ticket_find_item(m, sku);
	struct ticket_line *l;

	if (qty == 0)
		qty = 1;
	if (qty < 1 || qty > QTY_MAX)
		return TICKET_BAD_QTY;
	if (it == NULL)
		return TICKET_UNKNOWN_ITEM;
	if (!it->available && !any)
		return TICKET_UNAVAILABLE;
	/* the same key pressed again: one line "2 x", as the kitchen reads it */
	if (t->nlines > 0 && t->sel == t->nlines - 1) {
		l = &t->lines[t->nlines - 1];
		if (strcmp(l->sku, it->sku) == 0 && l->nmods == 0 && l->note[0] == '\0' &&
		    !discount_set(&l->disc) &&
		    l->qty + qty <= QTY_MAX) {
			l->qty += qty;
			return TICKET_OK;
		}
	}
	if (t->nlines >= ITEMS_MAX)
		return TICKET_FULL;
	l = &t->lines[t->nlines];
	memset(l, 0, sizeof *l);
	xstrlcpy(l->sku, it->sku, sizeof l->sku);
	xstrlcpy(l->name, it->name, sizeof l->name);
	xstrlcpy(l->station, it->station, sizeof l->station);
	xstrlcpy(l->kitchen_name, it->kitchen_name, sizeof l->kitchen_name);
	l->price = it->price;
	l->tax_bp = menu_item_tax_bp(m, it);
	l->qty = qty;
	t->sel = t->nlines++;
	return TICKET_OK;
}

enum ticket_err
ticket_add(struct ticket *t, const struct menu *m, const char *sku, int qty)
{
	return add_item(t, m, sku, qty, false);
}

/* How many of line l's modifiers belong to group g of item it. */
static int
chosen_in(const struct menu *m, const struct menu_item *it,
    const struct ticket_line *l, const struct modifier_group *g)
{
	int n = 0;

	for (int i = 0; i < l->nmods; i++) {
		const struct modifier_group *lg = NULL;

		if (menu_item_modifier(m, it, l->mods[i].code, &lg, NULL) != NULL && lg == g)
			n++;
	}
	return n;
}

int
ticket_missing_choice(const struct ticket *t, const struct menu *m,
    const struct modifier_group **g)
{
	for (int i = 0; i < t->nlines; i++) {
		const struct ticket_line *l = &t->lines[i];
		const struct menu_item *it = menu_find(m, l->sku);

		for (int k = 0; it != NULL && k < it->ngroups; k++) {
			const struct modifier_group *gr = menu_find_group(m, it->groups[k]);

			if (gr != NULL && chosen_in(m, it, l, gr) < gr->min) {
				*g = gr;
				return i;
			}
		}
	}
	return -1;
}

bool
ticket_line_asks(const struct ticket *t, const struct menu *m, int i)
{
	const struct menu_item *it;

	if (i < 0 || i >= t->nlines || (it = menu_find(m, t->lines[i].sku)) == NULL)
		return false;
	for (int k = 0; k < it->ngroups; k++) {
		const struct modifier_group *gr = menu_find_group(m, it->groups[k]);

		if (gr != NULL && (gr->required || gr->min > 0) &&
		    chosen_in(m, it, &t->lines[i], gr) < (gr->min > 0 ? gr->min : 1))
			return true;
	}
	return false;
}

int
ticket_take_lines(struct ticket *t, const struct order *o)
{
	int n = 0;

	for (int i = 0; i < o->nitems && t->nlines < ITEMS_MAX; i++, n++) {
		struct ticket_line *l = &t->lines[t->nlines++];
		const struct order_item *it = &o->items[i];

		memset(l, 0, sizeof *l);
		xstrlcpy(l->sku, it->sku, sizeof l->sku);
		xstrlcpy(l->name, it->name, sizeof l->name);
		xstrlcpy(l->station, it->station, sizeof l->station);
		xstrlcpy(l->kitchen_name, it->kitchen_name, sizeof l->kitchen_name);
		l->tax_bp = it->tax_bp;
		l->qty = it->qty;
		l->nmods = it->nmods;
		memcpy(l->mods, it->mods, sizeof l->mods);
		/* the line keeps the item's price; its modifiers add theirs */
		l->price = it->unit_price;
		for (int m = 0; m < it->nmods; m++)
			l->price -= it->mods[m].price;
		xstrlcpy(l->note, it->note, sizeof l->note);
	}
	return n;
}

/* The reason o's request gives for the discount of line (-1: the order). */
static const char *
request_reason(const struct order *o, int line)
{
	for (int c = o->ncorrections - 1; c >= 0; c--) {
		const struct correction *co = &o->corrections[c];

		if (co->line == line && (co->kind == CORRECTION_DISCOUNT ||
		    co->kind == CORRECTION_COMP))
			return co->reason;
	}
	return "";
}

/* d on line (-1: the whole ticket) as the sale had it; false when it no
 * longer fits. */
static bool
again_discount(struct ticket *t, int line, const struct discount *d, const char *reason)
{
	struct discount x = *d;

	x.value = 0;
	return ticket_set_discount(t, line, &x, reason) == TICKET_OK;
}

static void
ring_again(struct ticket *t, const struct menu *m, const struct order *o,
    struct ticket_again *out, bool any)
{
	memset(out, 0, sizeof *out);
	t->service = o->service;
	t->source = o->source;
	ticket_set_table(t, o->table);
	ticket_set_customer(t, o->customer.name, o->customer.phone, o->customer.address);
	for (int i = 0; i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];

		/* a line of its own, as it was sold: never added to the last */
		t->sel = -1;
		if (add_item(t, m, it->sku, it->qty, any) != TICKET_OK) {
			out->dropped++;
			out->lost += discount_set(&it->disc) || it->disc.comp;
			continue;
		}
		for (int k = 0; k < it->nmods; k++)
			ticket_toggle_mod(t, m, it->mods[k].code);
		ticket_set_note(t, it->note);
		if ((discount_set(&it->disc) || it->disc.comp) &&
		    !again_discount(t, t->sel, &it->disc, request_reason(o, i)))
			out->lost++;
	}
	if ((discount_set(&o->disc) || o->disc.comp) &&
	    !again_discount(t, -1, &o->disc, request_reason(o, -1)))
		out->lost++;
	if (t->nlines > 0)
		t->sel = t->nlines - 1;
}

void
ticket_ring_again(struct ticket *t, const struct menu *m, const struct order *o,
    struct ticket_again *out)
{
	ring_again(t, m, o, out, false);
}

money_t
ticket_request_total(const struct menu *m, const struct order *o)
{
	struct ticket *t = xcalloc(1, sizeof *t);
	struct ticket_again again;
	struct ticket_totals tt;
	money_t total = -1;

	ticket_init(t, o->service, m->tax_bp);
	ring_again(t, m, o, &again, true);
	if (again.dropped == 0 && again.lost == 0 && ticket_totals(t, &tt) == 0)
		total = tt.total;
	free(t);
	return total;
}

/* The guest paid at the counter when the sale was first rung: the money
 * is in the drawer or on the card already. Those payments pay the new
 * ticket first and go with it as recorded (the server's ledger then
 * holds each charge once); what the guest got back then counts against
 * them. */
void
ticket_carry_payments(struct ticket *t, const struct order *o, money_t given_back)
{
	int n = o->npayments < TENDERS_MAX ? o->npayments : TENDERS_MAX;

	memset(t->payments, 0, sizeof t->payments);
	for (int i = 0; i < n; i++) {
		t->payments[i] = o->payments[i];
		t->payments[i].kind = PAYMENT_CHARGE;
		t->payments[i].at = 0;
		t->payments[i].by[0] = '\0';
	}
	t->npayments = t->ncarried = n;
	t->given_back = given_back > 0 ? given_back : 0;
}

int
ticket_reprice(struct ticket *t, const struct menu *m)
{
	int changed = 0;

	for (int i = 0; i < t->nlines; i++) {
		struct ticket_line *l = &t->lines[i];
		const struct menu_item *it = menu_find(m, l->sku);
		bool differs;

		if (it == NULL)
			continue;   /* retired: the server says so when it is sent */
		differs = l->price != it->price || l->tax_bp != menu_item_tax_bp(m, it) ||
		    strcmp(l->name, it->name) != 0;
		l->price = it->price;
		l->tax_bp = menu_item_tax_bp(m, it);
		xstrlcpy(l->name, it->name, sizeof l->name);
		xstrlcpy(l->kitchen_name, it->kitchen_name, sizeof l->kitchen_name);
		for (int k = 0; k < l->nmods; k++) {
			const struct modifier *md = menu_item_modifier(m, it, l->mods[k].code,
			    NULL, NULL);

			if (md != NULL && md->price != l->mods[k].price) {
				l->mods[k].price = md->price;
				differs = true;
			}
		}
		changed += differs;
	}
	return changed;
}

enum ticket_err
ticket_enter(struct ticket *t, const struct menu *m, const char *text)
{
	char sku[SKU_MAX + 2];
	int qty;
	enum ticket_err e = ticket_parse_entry(text, &qty, sku, sizeof sku);

	if (e != TICKET_OK)
		return e;
	if (sku[0] == '\0')
		return ticket_set_qty(t, qty);
	return ticket_add(t, m, sku, qty);
}

static struct ticket_line *
selected(struct ticket *t)
{
	if (t->sel < 0 || t->sel >= t->nlines)
		return NULL;
	return &t->lines[t->sel];
}

void
ticket_select(struct ticket *t, int delta)
{
	if (t->nlines == 0) {
		t->sel = -1;
		return;
	}
	t->sel += delta;
	if (t->sel < 0)
		t->sel = 0;
	if (t->sel >= t->nlines)
		t->sel = t->nlines - 1;
}

enum ticket_err
ticket_set_qty(struct ticket *t, int qty)
{
	struct ticket_line *l = selected(t);

	if (l == NULL)
		return TICKET_NO_LINE;
	if (qty < 1 || qty > QTY_MAX)
		return TICKET_BAD_QTY;
	l->qty = qty;
	return TICKET_OK;
}

enum ticket_err
ticket_bump_qty(struct ticket *t, int delta)
{
	struct ticket_line *l = selected(t);

	if (l == NULL)
		return TICKET_NO_LINE;
	return ticket_set_qty(t, l->qty + delta);
}

enum ticket_err
ticket_delete(struct ticket *t)
{
	if (selected(t) == NULL)
		return TICKET_NO_LINE;
	memmove(&t->lines[t->sel], &t->lines[t->sel + 1],
	    (size_t)(t->nlines - t->sel - 1) * sizeof t->lines[0]);
	t->nlines--;
	if (t->sel >= t->nlines)
		t->sel = t->nlines - 1;
	return TICKET_OK;
}

bool
ticket_has_mod(const struct ticket_line *l, const char *code)
{
	for (int i = 0; i < l->nmods; i++) {
		if (strcmp(l->mods[i].code, code) == 0)
			return true;
	}
	return false;
}

enum ticket_err
ticket_toggle_mod(struct ticket *t, const struct menu *m, const char *code)
{
	struct ticket_line *l = selected(t);
	const struct menu_item *it;
	const struct modifier *mod;

	if (l == NULL)
		return TICKET_NO_LINE;
	for (int i = 0; i < l->nmods; i++) {
		if (strcmp(l->mods[i].code, code) == 0) {
			memmove(&l->mods[i], &l->mods[i + 1],
			    (size_t)(l->nmods - i - 1) * sizeof l->mods[0]);
			l->nmods--;
			return TICKET_OK;
		}
	}
	it = ticket_find_item(m, l->sku);
	bool on = false;
	const struct modifier_group *g = NULL;
	int in_group = 0, first = -1;

	mod = it != NULL ? menu_item_modifier(m, it, code, &g, &on) : NULL;
	if (mod == NULL || !on)
		return TICKET_UNKNOWN_MODIFIER;
	for (int i = 0; i < l->nmods; i++) {
		const struct modifier_group *lg = NULL;

		if (menu_item_modifier(m, it, l->mods[i].code, &lg, NULL) != NULL && lg == g) {
			if (first < 0)
				first = i;
			in_group++;
		}
	}
	if (g->max == 1 && in_group == 1) {
		/* one choice of one (doneness, a size): the new one replaces it */
		l->mods[first] = *mod;
		return TICKET_OK;
	}
	if (in_group >= g->max)
		return TICKET_GROUP_FULL;
	if (l->nmods >= MODS_MAX)
		return TICKET_TOO_MANY_MODS;
	l->mods[l->nmods++] = *mod;
	return TICKET_OK;
}

/* Text a person typed for a field of at most max bytes. */
static bool
text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n <= max && utf8_valid(s, n, true);
}

enum ticket_err
ticket_set_note(struct ticket *t, const char *note)
{
	struct ticket_line *l = selected(t);

	if (l == NULL)
		return TICKET_NO_LINE;
	if (!text_ok(note, NOTE_MAX))
		return TICKET_TOO_LONG;
	xstrlcpy(l->note, note, sizeof l->note);
	return TICKET_OK;
}

void
ticket_cycle_service(struct ticket *t)
{
	t->service = (enum service_type)((t->service + 1) % SERVICE_COUNT);
	/* a link is to an order of the same service type only */
	t->linked_to = 0;
	t->linked_number = 0;
}

void
ticket_toggle_source(struct ticket *t)
{
	t->source = t->source == SOURCE_PHONE ? SOURCE_POS : SOURCE_PHONE;
}

enum ticket_err
ticket_set_table(struct ticket *t, const char *table)
{
	if (!text_ok(table, TABLE_MAX))
		return TICKET_TOO_LONG;
	xstrlcpy(t->table, table, sizeof t->table);
	return TICKET_OK;
}

enum ticket_err
ticket_set_customer(struct ticket *t, const char *name, const char *phone,
    const char *address)
{
	if (!text_ok(name, NAME_MAX_) || !text_ok(phone, PHONE_MAX) ||
	    !text_ok(address, ADDRESS_MAX))
		return TICKET_TOO_LONG;
	xstrlcpy(t->customer.name, name, sizeof t->customer.name);
	xstrlcpy(t->customer.phone, phone, sizeof t->customer.phone);
	xstrlcpy(t->customer.address, address, sizeof t->customer.address);
	return TICKET_OK;
}

void
ticket_link(struct ticket *t, int64_t id, int number)
{
	t->linked_to = id > 0 ? id : 0;
	t->linked_number = id > 0 ? number : 0;
}

money_t
ticket_line_total(const struct ticket_line *l)
{
	money_t unit = l->price, total;

	for (int i = 0; i < l->nmods; i++)
		unit += l->mods[i].price;
	if (money_mul(unit, l->qty, &total) < 0)
		return MONEY_MAX + 1;
	return total;
}

/* The lines as order items: names, prices, rates, modifiers, notes and
 * discounts (with a correction each, as a sale's request carries them). */
static void
ticket_items(const struct ticket *t, struct order *o)
{
	for (int i = 0; i < t->nlines; i++) {
		const struct ticket_line *l = &t->lines[i];
		struct order_item *it = order_add_item(o);

		xstrlcpy(it->sku, l->sku, sizeof it->sku);
		xstrlcpy(it->name, l->name, sizeof it->name);
		xstrlcpy(it->station, l->station, sizeof it->station);
		xstrlcpy(it->kitchen_name, l->kitchen_name, sizeof it->kitchen_name);
		it->tax_bp = l->tax_bp;
		it->qty = l->qty;
		it->nmods = l->nmods;
		memcpy(it->mods, l->mods, sizeof it->mods);
		xstrlcpy(it->note, l->note, sizeof it->note);
		it->line_total = ticket_line_total(l);
		it->unit_price = l->qty > 0 ? it->line_total / l->qty : 0;
		it->disc = l->disc;
		/* a quantity or a price lowered under an amount: no more than it */
		if (it->disc.amount > it->line_total)
			it->disc.amount = it->line_total;
	}
	o->disc = t->disc;
	if (o->disc.amount > 0) {
		money_t base = 0;

		for (int i = 0; i < o->nitems; i++)
			base += o->items[i].line_total - discount_value(&o->items[i].disc,
			    o->items[i].line_total);
		if (o->disc.amount > base)
			o->disc.amount = base;
	}
	/* the lines' first, then the whole ticket's: as a request reads them */
	for (int k = 0; k <= t->nlines; k++) {
		int i = k < t->nlines ? k : -1;
		struct discount *d = i < 0 ? &o->disc : &o->items[i].disc;
		struct correction *c;

		if (!discount_set(d)) {
			memset(d, 0, sizeof *d);   /* an amount lowered to nothing */
			continue;
		}
		c = order_add_correction(o);
		c->kind = d->comp ? CORRECTION_COMP : CORRECTION_DISCOUNT;
		c->line = i;
		c->disc = *d;
		xstrlcpy(c->reason, i < 0 ? t->disc_reason : t->lines[i].disc_reason,
		    sizeof c->reason);
	}
}

static bool
ticket_discounted(const struct ticket *t)
{
	if (discount_set(&t->disc))
		return true;
	for (int i = 0; i < t->nlines; i++)
		if (discount_set(&t->lines[i].disc))
			return true;
	return false;
}

money_t
ticket_line_discount(const struct ticket_line *l)
{
	return discount_value(&l->disc, ticket_line_total(l));
}

money_t
ticket_discount_base(const struct ticket *t, int line)
{
	money_t base = 0;

	if (line >= 0)
		return line < t->nlines ? ticket_line_total(&t->lines[line]) : 0;
	for (int i = 0; i < t->nlines; i++)
		base += ticket_line_total(&t->lines[i]) - ticket_line_discount(&t->lines[i]);
	return base;
}

enum ticket_err
ticket_set_discount(struct ticket *t, int line, const struct discount *d, const char *reason)
{
	struct discount *to;
	char *why;
	size_t why_size;
	money_t base;

	if (line >= t->nlines)
		return TICKET_NO_LINE;
	if (line < 0 && t->nlines == 0)
		return TICKET_NO_ITEMS;
	to = line >= 0 ? &t->lines[line].disc : &t->disc;
	why = line >= 0 ? t->lines[line].disc_reason : t->disc_reason;
	why_size = line >= 0 ? sizeof t->lines[line].disc_reason : sizeof t->disc_reason;
	if (!discount_set(d) && !d->comp) {
		memset(to, 0, sizeof *to);
		why[0] = '\0';
		return TICKET_OK;
	}
	base = ticket_discount_base(t, line);
	if (d->percent_bp < 0 || d->percent_bp > 10000 || d->amount < 0 ||
	    (d->percent_bp > 0 && d->amount > 0) || d->amount > base || base <= 0)
		return TICKET_BAD_DISCOUNT;
	if (reason == NULL || strlen(reason) > REASON_MAX || !utf8_valid(reason, strlen(reason), true))
		return TICKET_TOO_LONG;
	*to = *d;
	to->value = 0;
	if (to->comp) {
		to->percent_bp = 10000;
		to->amount = 0;
	}
	xstrlcpy(why, reason, why_size);
	return TICKET_OK;
}

int
ticket_totals(const struct ticket *t, struct ticket_totals *out)
{
	memset(out, 0, sizeof *out);
	struct tax_tally tally;

	tax_tally_init(&tally);
	for (int i = 0; i < t->nlines; i++) {
		money_t line = ticket_line_total(&t->lines[i]);

		if (money_add(out->subtotal, line, &out->subtotal) < 0)
			return -1;
		tax_tally_add(&tally, t->lines[i].tax_bp, line);
	}
	if (out->subtotal < 0 || out->subtotal > MONEY_MAX)
		return -1;
	out->tax = tax_tally_total(&tally);
	if (money_add(out->subtotal, out->tax, &out->total) < 0)
		return -1;
	if (ticket_discounted(t)) {
		/* the figures as the server works them out */
		struct order o;
		money_t gross = out->subtotal;

		order_init(&o);
		ticket_items(t, &o);
		order_totals(&o);
		out->subtotal = o.subtotal;
		out->tax = o.tax;
		out->total = o.total;
		out->discount = gross - o.subtotal;
		out->order_discount = o.disc.value;
		order_free(&o);
	}
	for (int i = 0; i < t->npayments; i++) {
		const struct payment *p = &t->payments[i];

		out->paid += p->amount;
		if (i < t->ncarried)
			out->carried += p->amount;
		if (p->tender == TENDER_CASH)
			out->cash += p->amount;
		else
			out->card += p->amount;
	}
	{
		/* what the guest handed over and did not get back */
		money_t kept = out->paid - t->given_back;
		money_t over = kept > out->total ? kept - out->total : 0;
		money_t cash = out->cash - t->given_back;

		out->due = kept < out->total ? out->total - kept : 0;
		out->change = over < cash ? over : (cash > 0 ? cash : 0);
		out->owed = over - out->change;
	}
	return 0;
}

/* What stands in the way of a tender of amount. */
static enum ticket_err
pay_check(const struct ticket *t, enum tender_type tender, money_t amount)
{
	struct ticket_totals tt;

	if (amount <= 0 || amount > MONEY_MAX)
		return TICKET_BAD_AMOUNT;
	if (t->nlines == 0)
		return TICKET_NO_ITEMS;
	if (ticket_totals(t, &tt) < 0)
		return TICKET_TOO_LARGE;
	if (tt.due == 0)
		return TICKET_NOTHING_DUE;
	if (tender == TENDER_CARD && amount > tt.due)
		return TICKET_CARD_OVER;
	if (tt.paid + amount > MONEY_MAX)
		return TICKET_BAD_AMOUNT;
	if (t->npayments >= TENDERS_MAX)
		return TICKET_TOO_MANY_TENDERS;
	return TICKET_OK;
}

static enum ticket_err
pay(struct ticket *t, enum tender_type tender, money_t amount,
    const struct card_info *card, const char *approval)
{
	enum ticket_err e = pay_check(t, tender, amount);
	struct payment *p;

	if (e != TICKET_OK)
		return e;
	p = &t->payments[t->npayments++];
	memset(p, 0, sizeof *p);
	p->tender = tender;
	p->amount = amount;
	if (card != NULL) {
		xstrlcpy(p->card.brand, card->brand, sizeof p->card.brand);
		xstrlcpy(p->card.last4, card->last4, sizeof p->card.last4);
	}
	if (approval != NULL)
		xstrlcpy(p->approval, approval, sizeof p->approval);
	return TICKET_OK;
}

enum ticket_err
ticket_pay_cash(struct ticket *t, money_t amount)
{
	return pay(t, TENDER_CASH, amount, NULL, NULL);
}

enum ticket_err
ticket_pay_card(struct ticket *t, money_t amount, const struct card_info *card,
    const char *approval)
{
	return pay(t, TENDER_CARD, amount, card, approval);
}

enum ticket_err
ticket_card_check(const struct ticket *t, money_t amount)
{
	return pay_check(t, TENDER_CARD, amount);
}

bool
ticket_card_charged(const struct ticket *t)
{
	for (int i = t->ncarried; i < t->npayments; i++) {
		if (t->payments[i].tender == TENDER_CARD && t->payments[i].approval[0] != '\0')
			return true;
	}
	return false;
}

enum ticket_err
ticket_unpay(struct ticket *t)
{
	if (t->npayments == 0)
		return TICKET_NOTHING_DUE;
	if (t->npayments <= t->ncarried)
		return TICKET_PAID_BEFORE;
	if (t->payments[t->npayments - 1].tender == TENDER_CARD &&
	    t->payments[t->npayments - 1].approval[0] != '\0')
		return TICKET_CARD_CHARGED;
	t->npayments--;
	memset(&t->payments[t->npayments], 0, sizeof t->payments[0]);
	return TICKET_OK;
}

bool
ticket_paid(const struct ticket *t)
{
	struct ticket_totals tt;

	return t->nlines > 0 && ticket_totals(t, &tt) == 0 && tt.due == 0;
}

int
ticket_cash_suggestions(money_t due, money_t *out, int max)
{
	static const money_t steps[] = { 100, 500, 1000, 2000, 5000, 10000 };
	int n = 0;

	if (due <= 0)
		return 0;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && n < max; i++) {
		money_t v = (due + steps[i] - 1) / steps[i] * steps[i];

		if (v <= due)
			v += steps[i];
		if (v > MONEY_MAX || (n > 0 && v <= out[n - 1]))
			continue;
		out[n++] = v;
	}
	return n;
}

enum ticket_err
ticket_check(const struct ticket *t)
{
	struct ticket_totals tt;

	if (t->nlines == 0)
		return TICKET_NO_ITEMS;
	if (ticket_totals(t, &tt) < 0)
		return TICKET_TOO_LARGE;
	if (t->service == SERVICE_DINE_IN && t->table[0] == '\0')
		return TICKET_NEEDS_TABLE;
	if (t->service == SERVICE_DELIVERY &&
	    (t->customer.phone[0] == '\0' || t->customer.address[0] == '\0'))
		return TICKET_NEEDS_ADDRESS;
	return TICKET_OK;
}

void
ticket_to_order(const struct ticket *t, struct order *o)
{
	struct ticket_totals tt;

	order_init(o);
	o->source = t->source;
	o->service = t->service;
	o->status = lifecycle_initial_status(t->source);
	/* only what belongs to the service goes out */
	if (t->service == SERVICE_DINE_IN)
		xstrlcpy(o->table, t->table, sizeof o->table);
	xstrlcpy(o->customer.name, t->customer.name, sizeof o->customer.name);
	if (t->service == SERVICE_DELIVERY) {
		xstrlcpy(o->customer.phone, t->customer.phone, sizeof o->customer.phone);
		xstrlcpy(o->customer.address, t->customer.address,
		    sizeof o->customer.address);
	}
	o->linked_to = t->linked_to;
	ticket_items(t, o);
	o->npayments = t->npayments;
	memcpy(o->payments, t->payments, sizeof o->payments);
	if (ticket_totals(t, &tt) == 0) {
		o->subtotal = tt.subtotal;
		o->tax = tt.tax;
		o->total = tt.total;
		o->paid = tt.paid;
		/* the ledger's change: what went back at the refused sale too */
		o->change = tt.change + t->given_back;
	}
	if (ticket_discounted(t)) {
		/* each line's net and discount, for the receipt */
		order_totals(o);
	}
}
