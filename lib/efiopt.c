/**
 * @file efiopt.c
 *
 * memdisk.efi's command line and configuration file (see efiopt.h).
 */
#include "efiopt.h"

#include "libc.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/** Length of the name part of @p w (up to '=' or the end). */
static size_t name_len(const char *w)
{
	size_t n = 0;

	while (w[n] && w[n] != '=')
		n++;
	return n;
}

/** Does the word @p w have the name @p name? */
static int named(const char *w, const char *name)
{
	size_t n = strlen(name);

	return name_len(w) == n && strncmp(w, name, n) == 0;
}

int efiopt_bios_only(const char *w)
{
	static const char *const names[] = {
		"raw", "bigraw", "int", "safeint", "c", "h", "s", "offset", "edd", "ebios",
		"noedd", "noebios", "cbios", "dpt", "nodpt", "mem", "nopass", "nopassany",
		"stack", "pmem", "a20",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (named(w, names[i]))
			return 1;
	return 0;
}

/** Could @p w be an option (rather than the program's name)? */
static int option_like(const char *w)
{
	static const char *const names[] = {
		"quiet", "bench", "inject", "noinject", "iso", "harddisk", "floppy", "ro", "pause",
	};
	size_t i;

	if (w[name_len(w)] == '=')
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (named(w, names[i]))
			return 1;
	return efiopt_bios_only(w);
}

/**
 * Cut the next word from *@p p into @p w (cap bytes): blanks separate
 * words, double quotes group blanks into a word and are removed. A word
 * longer than the buffer is cut.
 *
 * @return 1 when a word was found, 0 at the end
 */
static int next_word(const char **p, char *w, size_t cap)
{
	const char *s = *p;
	size_t n = 0;
	int quoted = 0;

	while (*s && blank(*s))
		s++;
	if (!*s)
		return 0;
	while (*s && (quoted || !blank(*s))) {
		if (*s == '"')
			quoted = !quoted;
		else if (n + 1 < cap)
			w[n++] = *s;
		s++;
	}
	w[n] = '\0';
	*p = s;
	return 1;
}

/** Record @p word (cut to OPTIONS_WORD_MAX) as malformed, for @p reason. */
static void bad_word(struct efiopt *o, const char *word, int reason)
{
	o->n_bad++;
	if (o->bios.n_errors < OPTIONS_MAX_ERRORS) {
		struct options_error *e = &o->bios.errors[o->bios.n_errors];
		size_t n = strlen(word);

		if (n > OPTIONS_WORD_MAX)
			n = OPTIONS_WORD_MAX;
		memcpy(e->word, word, n);
		e->word[n] = '\0';
		e->reason = reason;
	}
	o->bios.n_errors++;
}

/** Copy a path value, or record it as missing or too long. */
static void set_path(struct efiopt *o, char *dst, const char *word)
{
	const char *v = word + name_len(word) + 1;

	if (!*v || strlen(v) > EFIOPT_PATH_MAX) {
		bad_word(o, word, *v ? OPTIONS_R_RANGE : OPTIONS_R_MISSING);
		return;
	}
	memcpy(dst, v, strlen(v) + 1);
}

/** Set *@p field from the value of @p word among @p choices (NULL-ended). */
static void choose(struct efiopt *o, int *field, const char *word, const char *const *choices)
{
	const char *v = word + name_len(word);
	int i;

	if (*v == '=') {
		v++;
		for (i = 0; choices[i]; i++) {
			if (strlen(v) == strlen(choices[i]) && strncmp(v, choices[i], strlen(v)) == 0) {
				*field = i;
				return;
			}
		}
	}
	bad_word(o, word, OPTIONS_R_RANGE);
}

/** Append @p w to the BIOS line (quoted when it holds a blank). */
static void add_bios_word(char *line, size_t *len, const char *w)
{
	size_t n = strlen(w), i;
	int quote = 0;

	for (i = 0; i < n; i++)
		quote |= blank(w[i]);
	if (*len + n + 4 >= EFIOPT_BIOS_LINE)
		return;
	if (quote)
		line[(*len)++] = '"';
	memcpy(line + *len, w, n);
	*len += n;
	if (quote)
		line[(*len)++] = '"';
	line[(*len)++] = ' ';
	line[*len] = '\0';
}

int efiopt_parse(const char *cmdline, int skip_name, struct efiopt *o)
{
	static const char *const places[] = { "auto", "low", "high", NULL };
	static const char *const disks[] = { "auto", "firmware", "own", NULL };
	char line[EFIOPT_BIOS_LINE];
	char w[EFIOPT_PATH_MAX + 16];
	const char *p = cmdline ? cmdline : "";
	size_t len = 0;
	int first = 1;

	memset(o, 0, sizeof(*o));
	memcpy(o->loader, EFIOPT_DEFAULT_LOADER, sizeof(EFIOPT_DEFAULT_LOADER));
	o->inject = EFIOPT_INJECT_AUTO;
	line[0] = '\0';
	while (next_word(&p, w, sizeof(w))) {
		if (first && skip_name && !option_like(w)) {
			o->skipped_name = 1;
			first = 0;
			continue;
		}
		first = 0;
		o->n_words++;
		if (named(w, "image") && w[name_len(w)] == '=') {
			set_path(o, o->image, w);
		} else if (named(w, "loader") && w[name_len(w)] == '=') {
			set_path(o, o->loader, w);
		} else if (named(w, "place")) {
			choose(o, &o->place, w, places);
		} else if (named(w, "disk")) {
			choose(o, &o->disk, w, disks);
		} else if (named(w, "quiet") && !w[5]) {
			o->quiet = 1;
		} else if (named(w, "bench") && !w[5]) {
			o->bench = 1;
		} else if (named(w, "inject") && !w[6]) {
			o->inject = EFIOPT_INJECT_ON;
		} else if (named(w, "noinject") && !w[8]) {
			o->inject = EFIOPT_INJECT_OFF;
		} else if (efiopt_bios_only(w)) {
			if (o->n_ignored < EFIOPT_MAX_IGNORED) {
				size_t n = strlen(w);

				if (n > OPTIONS_WORD_MAX)
					n = OPTIONS_WORD_MAX;
				memcpy(o->ignored[o->n_ignored], w, n);
				o->ignored[o->n_ignored][n] = '\0';
			}
			o->n_ignored++;
		} else {
			add_bios_word(line, &len, w);
		}
	}
	/* The BIOS words go through the BIOS parser; keep our own errors. */
	{
		struct options_error saved[OPTIONS_MAX_ERRORS];
		unsigned n_saved = o->bios.n_errors, i;

		memcpy(saved, o->bios.errors, sizeof(saved));
		options_parse(line, &o->bios);
		for (i = 0; i < n_saved; i++) {
			if (o->bios.n_errors < OPTIONS_MAX_ERRORS)
				o->bios.errors[o->bios.n_errors] = saved[i];
			o->bios.n_errors++;
		}
	}
	return o->bios.n_errors ? OPTIONS_E_INVALID : OPTIONS_OK;
}

size_t efiopt_config_line(const char *text, size_t len, char *out, size_t cap)
{
	size_t i = 0, n = 0, word_start = 0;
	int in_comment = 0, pending_blank = 0;

	if (!cap)
		return 0;
	for (; i < len; i++) {
		char c = text[i];

		if (c == '\n') {
			in_comment = 0;
			pending_blank = n > 0;
			continue;
		}
		if (in_comment)
			continue;
		if (c == '#') {
			in_comment = 1;
			continue;
		}
		if (blank(c) || c == '\0') {
			pending_blank = n > 0;
			continue;
		}
		if (pending_blank) {
			if (n + 1 >= cap)
				break;
			out[n++] = ' ';
			word_start = n;
			pending_blank = 0;
		}
		if (n + 1 >= cap) {
			/* Cut at the last whole word. */
			n = word_start ? word_start - 1 : 0;
			break;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}
