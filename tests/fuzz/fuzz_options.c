/**
 * @file fuzz_options.c
 *
 * libFuzzer target for the memdisk command-line parser: the input is the
 * command line (a NUL is appended; an embedded NUL ends it early). Every
 * field of the result must stay in its documented range, and the return
 * value must agree with the recorded errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	char *line = malloc(size + 1);
	unsigned i, n;
	int r;

	memcpy(line, data, size);
	line[size] = '\0';
	r = options_parse(line, &o);
	if ((r == OPTIONS_OK) != (o.n_errors == 0) || (r != OPTIONS_OK && r != OPTIONS_E_INVALID))
		abort();
	if (o.chs_given & ~7u || o.stack > OPTIONS_STACK_MAX ||
	    o.force < OPTIONS_FORCE_NONE || o.force > OPTIONS_FORCE_HARDDISK ||
	    o.edd < OPTIONS_TRI_DEFAULT || o.edd > OPTIONS_TRI_OFF ||
	    o.dpt < OPTIONS_TRI_DEFAULT || o.dpt > OPTIONS_TRI_OFF ||
	    o.himem < OPTIONS_HIMEM_DEFAULT || o.himem > OPTIONS_HIMEM_BIGRAW ||
	    (o.mem_given && !o.mem) || (!o.mem_given && o.mem) ||
	    (o.drive_given && !o.force) || (!(o.chs_given & OPTIONS_CHS_C) && o.c) ||
	    (!(o.chs_given & OPTIONS_CHS_H) && o.h) || (!(o.chs_given & OPTIONS_CHS_S) && o.s))
		abort();
	n = o.n_unknown < OPTIONS_MAX_UNKNOWN ? o.n_unknown : OPTIONS_MAX_UNKNOWN;
	for (i = 0; i < n; i++)
		if (!o.unknown[i][0] || strlen(o.unknown[i]) > OPTIONS_WORD_MAX ||
		    !strstr(line, o.unknown[i]))
			abort();
	n = o.n_errors < OPTIONS_MAX_ERRORS ? o.n_errors : OPTIONS_MAX_ERRORS;
	for (i = 0; i < n; i++)
		if (!o.errors[i].word[0] || strlen(o.errors[i].word) > OPTIONS_WORD_MAX ||
		    !strstr(line, o.errors[i].word) || o.errors[i].reason < OPTIONS_R_MISSING ||
		    o.errors[i].reason > OPTIONS_R_A20 ||
		    !options_reason_str(o.errors[i].reason))
			abort();
	free(line);
	return 0;
}
