/* swipe: ISO 7813 track 1 / track 2 parsing without keeping the PAN. */
#include "swipe.h"

#include <stdbool.h>
#include <string.h>

#include "pan.h"
#include "xalloc.h"

#define PAN_MIN 12
#define PAN_MAX 19
#define TRACK1_MAX 79
#define TRACK2_MAX 40

/* Issuer prefixes, most specific first; ranges are inclusive on the
 * first `digits` digits of the number. */
static const struct {
	int digits;
	int lo, hi;
	enum card_brand brand;       /* common/domain.h: the server takes no other */
} swipe_brands[] = {
	{ 4, 2221, 2720, CARD_BRAND_MASTERCARD },
	{ 4, 6011, 6011, CARD_BRAND_DISCOVER },
	{ 4, 3528, 3589, CARD_BRAND_JCB },
	{ 3, 644, 649, CARD_BRAND_DISCOVER },
	{ 3, 300, 305, CARD_BRAND_DINERS },
	{ 2, 51, 55, CARD_BRAND_MASTERCARD },
	{ 2, 34, 34, CARD_BRAND_AMEX },
	{ 2, 37, 37, CARD_BRAND_AMEX },
	{ 2, 65, 65, CARD_BRAND_DISCOVER },
	{ 2, 36, 36, CARD_BRAND_DINERS },
	{ 2, 38, 38, CARD_BRAND_DINERS },
	{ 2, 62, 62, CARD_BRAND_UNIONPAY },
	{ 2, 50, 50, CARD_BRAND_MAESTRO },
	{ 2, 56, 69, CARD_BRAND_MAESTRO },
	{ 1, 4, 4, CARD_BRAND_VISA },
};

static const char *const swipe_messages[SWIPE_RESULT_COUNT] = {
	[SWIPE_OK] = "Card read",
	[SWIPE_EMPTY] = "No card data read: swipe again",
	[SWIPE_PARTIAL] = "Incomplete card read: swipe again",
	[SWIPE_GARBAGE] = "Unreadable card data: swipe again",
	[SWIPE_BAD_LUHN] = "Card number did not check out: swipe again",
	[SWIPE_BAD_EXPIRY] = "Card expiry unreadable: swipe again",
	[SWIPE_MISMATCH] = "Card tracks disagree: swipe again",
};

/* What one track yielded; lives on the stack and is wiped. */
struct track {
	char pan[PAN_MAX + 1];
	size_t panlen;
	char name[27];
	int yy, mm;
	bool present;
};

void
swipe_wipe(void *buf, size_t len)
{
	explicit_bzero(buf, len);
}

const char *
swipe_message(enum swipe_result r)
{
	return (unsigned)r < SWIPE_RESULT_COUNT ? swipe_messages[r] : swipe_messages[SWIPE_GARBAGE];
}

/* One Luhn check for the whole suite: the server's (common/pan.c). */
int
swipe_luhn_ok(const char *d, size_t n)
{
	return pan_luhn_ok(d, n) ? 1 : 0;
}

const char *
swipe_brand(const char *pan)
{
	size_t n = strlen(pan);

	for (size_t i = 0; i < sizeof swipe_brands / sizeof swipe_brands[0]; i++) {
		int prefix = 0;

		if (n < (size_t)swipe_brands[i].digits)
			continue;
		for (int k = 0; k < swipe_brands[i].digits; k++)
			prefix = prefix * 10 + (pan[k] - '0');
		if (prefix >= swipe_brands[i].lo && prefix <= swipe_brands[i].hi)
			return card_brand_name(swipe_brands[i].brand);
	}
	return card_brand_name(CARD_BRAND_CARD);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (is_digit(s[i]))
			return true;
	}
	return false;
}

/* YYMM then a three-digit service code. */
static enum swipe_result
parse_expiry(const char *s, const char *end, struct track *t)
{
	if (end - s < 7)
		return SWIPE_PARTIAL;
	for (int i = 0; i < 7; i++) {
		if (!is_digit(s[i]))
			return SWIPE_GARBAGE;
	}
	t->yy = (s[0] - '0') * 10 + (s[1] - '0');
	t->mm = (s[2] - '0') * 10 + (s[3] - '0');
	if (t->mm < 1 || t->mm > 12)
		return SWIPE_BAD_EXPIRY;
	return SWIPE_OK;
}

static enum swipe_result
parse_pan(const char **sp, const char *end, char sep, struct track *t)
{
	const char *s = *sp;

	while (s < end && is_digit(*s)) {
		if (t->panlen == PAN_MAX)
			return SWIPE_GARBAGE;
		t->pan[t->panlen++] = *s++;
	}
	t->pan[t->panlen] = '\0';
	if (s == end)
		return SWIPE_PARTIAL;
	if (*s != sep || t->panlen < PAN_MIN)
		return SWIPE_GARBAGE;
	*sp = s + 1;
	return SWIPE_OK;
}

static void
name_append(char out[27], size_t *len, const char *p)
{
	size_t pl;

	while (*p == ' ')
		p++;
	pl = strlen(p);
	while (pl > 0 && p[pl - 1] == ' ')
		pl--;
	if (pl == 0)
		return;
	if (*len > 0 && *len < 26)
		out[(*len)++] = ' ';
	if (pl > 26 - *len)
		pl = 26 - *len;
	memcpy(out + *len, p, pl);
	*len += pl;
	out[*len] = '\0';
}

/* "SURNAME/FIRST NAME.TITLE" -> "FIRST NAME SURNAME", trimmed. */
static void
tidy_name(const char *raw, size_t n, char out[27])
{
	char tmp[27], *slash, *dot;
	size_t len = 0;

	if (n > 26)
		n = 26;
	memcpy(tmp, raw, n);
	tmp[n] = '\0';
	out[0] = '\0';
	slash = strchr(tmp, '/');
	if (slash != NULL) {
		*slash = '\0';
		if ((dot = strchr(slash + 1, '.')) != NULL)
			*dot = '\0';           /* the title */
		name_append(out, &len, slash + 1);
		name_append(out, &len, tmp);
	} else {
		name_append(out, &len, tmp);
	}
	swipe_wipe(tmp, sizeof tmp);
}

/* %B PAN ^ NAME ^ YYMM SVC discretionary ? */
static enum swipe_result
parse_track1(const char *s, const char *end, struct track *t)
{
	const char *name;
	enum swipe_result r;

	if (end - s > TRACK1_MAX)
		return SWIPE_GARBAGE;
	if (s == end)
		return SWIPE_PARTIAL;
	if (*s != 'B')
		return *s == 'E' ? SWIPE_EMPTY : SWIPE_GARBAGE;   /* %E? = read error */
	s++;
	if ((r = parse_pan(&s, end, '^', t)) != SWIPE_OK)
		return r;
	name = s;
	while (s < end && *s != '^') {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x5f)
			return SWIPE_GARBAGE;
		s++;
	}
	if (s == end)
		return SWIPE_PARTIAL;
	if (s - name > 26)
		return SWIPE_GARBAGE;
	/* names have no digits; a name field that does is not shown, since it
	 * could be carrying a card number onto the screen */
	if (!has_digit(name, (size_t)(s - name)))
		tidy_name(name, (size_t)(s - name), t->name);
	s++;
	if ((r = parse_expiry(s, end, t)) != SWIPE_OK)
		return r;
	for (s += 7; s < end; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x5f)
			return SWIPE_GARBAGE;
	}
	t->present = true;
	return SWIPE_OK;
}

/* ; PAN = YYMM SVC discretionary ? */
static enum swipe_result
parse_track2(const char *s, const char *end, struct track *t)
{
	enum swipe_result r;

	if (end - s > TRACK2_MAX)
		return SWIPE_GARBAGE;
	if (s < end && *s == 'E')
		return SWIPE_EMPTY;
	if ((r = parse_pan(&s, end, '=', t)) != SWIPE_OK)
		return r;
	if ((r = parse_expiry(s, end, t)) != SWIPE_OK)
		return r;
	for (s += 7; s < end; s++) {
		if (!is_digit(*s))
			return SWIPE_GARBAGE;
	}
	t->present = true;
	return SWIPE_OK;
}

static const char *
track_end(const char *s, const char *end)
{
	return memchr(s, '?', (size_t)(end - s));
}

/* Past the end sentinel, and past the LRC character some readers send
 * after it (one character followed by a start sentinel or the end). */
static const char *
after_track(const char *q, const char *end)
{
	const char *s = q + 1;

	if (s < end && *s != '%' && *s != ';' &&
	    (s + 1 == end || s[1] == '%' || s[1] == ';'))
		s++;
	return s;
}

static enum swipe_result
swipe_parse_tracks(const char *s, const char *end, struct track *t1, struct track *t2)
{
	enum swipe_result r;
	const char *q;

	while (s < end) {
		if (*s == '%' && !t1->present) {
			if ((q = track_end(s + 1, end)) == NULL)
				return s + 1 == end ? SWIPE_EMPTY : SWIPE_PARTIAL;
			if ((r = parse_track1(s + 1, q, t1)) != SWIPE_OK)
				return r;
			s = after_track(q, end);
		} else if (*s == ';' && !t2->present) {
			if ((q = track_end(s + 1, end)) == NULL)
				return s + 1 == end ? SWIPE_EMPTY : SWIPE_PARTIAL;
			if ((r = parse_track2(s + 1, q, t2)) != SWIPE_OK)
				return r;
			s = after_track(q, end);
		} else if (*s == ';' && t2->present) {
			/* track 3 (or a repeat): not used, but must be framed */
			if ((q = track_end(s + 1, end)) == NULL)
				return SWIPE_PARTIAL;
			s = after_track(q, end);
		} else {
			return SWIPE_GARBAGE;
		}
	}
	return (t1->present || t2->present) ? SWIPE_OK : SWIPE_EMPTY;
}

enum swipe_result
swipe_parse(const char *data, size_t len, struct swipe_card *card)
{
	struct track t1, t2, *t;
	enum swipe_result r;

	memset(card, 0, sizeof *card);
	memset(&t1, 0, sizeof t1);
	memset(&t2, 0, sizeof t2);
	while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
		len--;
	if (len == 0)
		return SWIPE_EMPTY;
	if (len > SWIPE_MAX)
		return SWIPE_GARBAGE;
	r = swipe_parse_tracks(data, data + len, &t1, &t2);
	if (r == SWIPE_OK && t1.present && t2.present &&
	    (t1.panlen != t2.panlen || memcmp(t1.pan, t2.pan, t1.panlen) != 0 ||
	    t1.yy != t2.yy || t1.mm != t2.mm))
		r = SWIPE_MISMATCH;
	t = t1.present ? &t1 : &t2;
	if (r == SWIPE_OK && !swipe_luhn_ok(t->pan, t->panlen))
		r = SWIPE_BAD_LUHN;
	if (r == SWIPE_OK) {
		xstrlcpy(card->brand, swipe_brand(t->pan), sizeof card->brand);
		memcpy(card->last4, t->pan + t->panlen - 4, 4);
		card->last4[4] = '\0';
		xstrlcpy(card->name, t1.name, sizeof card->name);
		card->exp_year = 2000 + t->yy;
		card->exp_month = t->mm;
	}
	swipe_wipe(&t1, sizeof t1);
	swipe_wipe(&t2, sizeof t2);
	return r;
}

void
swipe_card_info(const struct swipe_card *c, struct card_info *out)
{
	memset(out, 0, sizeof *out);
	xstrlcpy(out->brand, c->brand, sizeof out->brand);
	xstrlcpy(out->last4, c->last4, sizeof out->last4);
}
