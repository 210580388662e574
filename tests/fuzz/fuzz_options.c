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
	static struct md_options o;
	char *line = malloc(size + 1);
	unsigned i, n;
	int r;

	memcpy(line, data, size);
	line[size] = '\0';
	r = md_options_parse(line, &o);
	if ((r == MD_OPT_OK) != (o.n_errors == 0) || (r != MD_OPT_OK && r != MD_OPT_E_INVALID))
		abort();
	if (o.chs_given & ~7u || o.stack > MD_OPT_STACK_MAX ||
	    o.force < MD_FORCE_NONE || o.force > MD_FORCE_HARDDISK ||
	    o.edd < MD_TRI_DEFAULT || o.edd > MD_TRI_OFF ||
	    o.dpt < MD_TRI_DEFAULT || o.dpt > MD_TRI_OFF ||
	    o.himem < MD_HIMEM_DEFAULT || o.himem > MD_HIMEM_BIGRAW ||
	    (o.mem_given && !o.mem) || (!o.mem_given && o.mem) ||
	    (o.drive_given && !o.force) || (!(o.chs_given & MD_CHS_C) && o.c) ||
	    (!(o.chs_given & MD_CHS_H) && o.h) || (!(o.chs_given & MD_CHS_S) && o.s))
		abort();
	n = o.n_unknown < MD_OPT_MAX_UNKNOWN ? o.n_unknown : MD_OPT_MAX_UNKNOWN;
	for (i = 0; i < n; i++)
		if (!o.unknown[i][0] || strlen(o.unknown[i]) > MD_OPT_WORD_MAX ||
		    !strstr(line, o.unknown[i]))
			abort();
	n = o.n_errors < MD_OPT_MAX_ERRORS ? o.n_errors : MD_OPT_MAX_ERRORS;
	for (i = 0; i < n; i++)
		if (!o.errors[i].word[0] || strlen(o.errors[i].word) > MD_OPT_WORD_MAX ||
		    !strstr(line, o.errors[i].word) || o.errors[i].reason < MD_OPT_R_MISSING ||
		    o.errors[i].reason > MD_OPT_R_NOVALUE ||
		    !md_opt_reason_str(o.errors[i].reason))
			abort();
	free(line);
	return 0;
}
