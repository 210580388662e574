/**
 * @file iso9660.c
 *
 * Reading files from an ISO 9660 volume (see iso9660.h).
 */
#include "iso9660.h"

#include "bytes.h"
#include "libc.h"

#define VD_FIRST 16u            /* the first volume descriptor's block */
#define VD_MAX 64u              /* descriptors looked at before giving up */
#define REC_MIN 34u             /* a directory record without its name */
#define FLAG_DIR 0x02
#define FLAG_MULTI 0x80

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/** Equal without regard to ASCII case. */
static int same(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

/** A directory record's extent as a file (one extent). */
static int record_file(const uint8_t *r, struct iso9660_file *f)
{
	memset(f, 0, sizeof(*f));
	f->dir = (r[25] & FLAG_DIR) != 0;
	f->n_extents = 1;
	f->ext[0].lba = le32(r + 2);
	f->ext[0].bytes = le32(r + 10);
	f->size = f->ext[0].bytes;
	return 0;
}

/** The Rock Ridge name (NM entries) in the record's system use area, if any. */
static int rr_name(const uint8_t *r, unsigned len, char *out)
{
	unsigned nl = r[32], off = REC_MIN - 1 + nl + ((nl & 1) ? 0 : 1), n = 0;
	int found = 0;

	while (off + 4 <= len) {
		const uint8_t *e = r + off;
		unsigned el = e[2];

		if (el < 4 || off + el > len)
			break;
		if (e[0] == 'N' && e[1] == 'M' && el >= 5 && !(e[4] & 0x06)) {
			unsigned k;

			for (k = 5; k < el && n < ISO9660_NAME_MAX; k++)
				out[n++] = (char)e[k];
			found = 1;
		}
		if (e[0] == 'S' && e[1] == 'T')
			break;
		off += el;
	}
	out[n] = '\0';
	return found && n > 0;
}

/** The record's name: Rock Ridge, Joliet (UCS-2 big endian) or ISO. */
static void record_name(const uint8_t *r, unsigned len, int joliet, char *out)
{
	unsigned nl = r[32], i, n = 0;

	if (!joliet && rr_name(r, len, out))
		return;
	if (joliet) {
		for (i = 0; i + 1 < nl && n < ISO9660_NAME_MAX; i += 2) {
			unsigned c = (unsigned)r[33 + i] << 8 | r[34 + i];

			out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
	} else {
		for (i = 0; i < nl && n < ISO9660_NAME_MAX; i++)
			out[n++] = (char)r[33 + i];
	}
	out[n] = '\0';
	/* "NAME.EXT;1" -> "NAME.EXT", "NAME.;1" -> "NAME" */
	for (i = 0; i < n; i++)
		if (out[i] == ';')
			n = i;
	if (n > 1 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
}

/** Called by walk() for each entry (@p rec: its record's byte offset on the
 *  volume, the last record's for a multi-extent file); nonzero stops. */
typedef int walk_fn(void *ctx, const char *name, const struct iso9660_file *f, uint64_t rec);

/**
 * Walk the folder @p dir of the primary (@p joliet 0) or Joliet tree,
 * calling @p fn with each entry's name and file (multi-extent files
 * gathered).
 */
static int walk(struct iso9660 *v, const struct iso9660_file *dir, int joliet, walk_fn *fn,
		void *ctx)
{
	struct iso9660_file pending;
	char name[ISO9660_NAME_MAX + 1];
	uint64_t done;
	int have_pending = 0;

	memset(&pending, 0, sizeof(pending));
	if (!dir->dir || dir->n_extents != 1)
		return ISO9660_E_NOT_DIR;
	if (dir->size > ISO9660_MAX_DIR_BYTES)
		return ISO9660_E_TOO_BIG;
	for (done = 0; done < dir->size; done += ISO9660_BLOCK) {
		unsigned off = 0, avail = dir->size - done < ISO9660_BLOCK
						  ? (unsigned)(dir->size - done) : ISO9660_BLOCK;

		if (v->read(v->ctx, ((uint64_t)dir->ext[0].lba) * ISO9660_BLOCK + done, v->sector,
			    ISO9660_BLOCK))
			return ISO9660_E_IO;
		while (off + REC_MIN <= avail) {
			const uint8_t *r = v->sector + off;
			unsigned len = r[0];
			struct iso9660_file f;

			if (len == 0)
				break;          /* the rest of this block is padding */
			if (len < REC_MIN || off + len > avail || REC_MIN - 1 + r[32] > len)
				return ISO9660_E_CORRUPT;
			off += len;
			if (r[32] == 1 && (r[33] == 0 || r[33] == 1))
				continue;       /* "." and ".." */
			record_file(r, &f);
			f.joliet = joliet;
			if (have_pending) {
				/* The next part of a multi-extent file. */
				if (pending.n_extents >= ISO9660_MAX_EXTENTS)
					return ISO9660_E_TOO_BIG;
				pending.ext[pending.n_extents++] = f.ext[0];
				pending.size += f.size;
				if (r[25] & FLAG_MULTI)
					continue;
				have_pending = 0;
				f = pending;
			} else if (r[25] & FLAG_MULTI) {
				pending = f;
				have_pending = 1;
				continue;
			}
			record_name(r, len, joliet, name);
			if (fn(ctx, name, &f,
			       (uint64_t)dir->ext[0].lba * ISO9660_BLOCK + done + (off - len)))
				return ISO9660_OK;
		}
	}
	return ISO9660_OK;
}

/** Read the root record of a volume descriptor (at byte 156 of it). */
static int root_of(const uint8_t *vd, struct iso9660_file *f)
{
	const uint8_t *r = vd + 156;

	if (r[0] < REC_MIN || !(r[25] & FLAG_DIR))
		return ISO9660_E_CORRUPT;
	return record_file(r, f);
}

int iso9660_open(struct iso9660 *v, iso9660_read_fn *read, void *ctx)
{
	unsigned i;
	int have_pvd = 0;

	memset(v, 0, sizeof(*v));
	v->read = read;
	v->ctx = ctx;
	for (i = VD_FIRST; i < VD_FIRST + VD_MAX; i++) {
		uint8_t *vd = v->sector;

		if (read(ctx, (uint64_t)i * ISO9660_BLOCK, vd, ISO9660_BLOCK))
			return have_pvd ? ISO9660_OK : ISO9660_E_IO;
		if (memcmp(vd + 1, "CD001", 5))
			break;
		if (vd[0] == 255)
			break;
		if (vd[0] == 1 && !have_pvd) {
			if (root_of(vd, &v->root))
				return ISO9660_E_CORRUPT;
			v->volume_bytes = (uint64_t)le32(vd + 80) * ISO9660_BLOCK;
			have_pvd = 1;
		} else if (vd[0] == 2 && vd[88] == 0x25 && vd[89] == 0x2f &&
			   (vd[90] == 0x40 || vd[90] == 0x43 || vd[90] == 0x45)) {
			/* Joliet: escape sequence %/@, %/C or %/E. */
			if (root_of(vd, &v->jroot))
				memset(&v->jroot, 0, sizeof(v->jroot));
			else
				v->jroot.joliet = 1;
		}
	}
	return have_pvd ? ISO9660_OK : ISO9660_E_NOT_ISO;
}

/** find_fn's question and answer. */
struct find {
	const char *name;
	size_t len;
	struct iso9660_file *out;
	int found;
};

static int find_fn(void *ctx, const char *name, const struct iso9660_file *f, uint64_t rec)
{
	struct find *q = ctx;

	(void)rec;
	if (strlen(name) != q->len || !same(name, q->name, q->len))
		return 0;
	*q->out = *f;
	q->found = 1;
	return 1;
}

/** Look @p path up in the tree rooted at @p root. */
static int lookup_in(struct iso9660 *v, const struct iso9660_file *root, int joliet,
		     const char *path, struct iso9660_file *f)
{
	struct iso9660_file cur = *root;
	unsigned depth = 0;

	for (;;) {
		struct find q;
		int rc;

		while (*path == '/' || *path == '\\')
			path++;
		if (!*path) {
			*f = cur;
			return ISO9660_OK;
		}
		if (++depth > ISO9660_MAX_DEPTH)
			return ISO9660_E_TOO_BIG;
		if (!cur.dir)
			return ISO9660_E_NOT_DIR;
		q.name = path;
		for (q.len = 0; path[q.len] && path[q.len] != '/' && path[q.len] != '\\'; q.len++)
			;
		q.out = &cur;
		q.found = 0;
		{
			struct iso9660_file dir = cur;

			rc = walk(v, &dir, joliet, find_fn, &q);
		}
		if (rc)
			return rc;
		if (!q.found)
			return ISO9660_E_NOT_FOUND;
		path += q.len;
	}
}

int iso9660_lookup(struct iso9660 *v, const char *path, struct iso9660_file *f)
{
	int rc = lookup_in(v, &v->root, 0, path, f);

	if (rc == ISO9660_E_NOT_FOUND && v->jroot.n_extents)
		rc = lookup_in(v, &v->jroot, 1, path, f);
	return rc;
}

/** iso9660_list's adapter from walk_fn to iso9660_entry_fn. */
struct list_ctx {
	iso9660_entry_fn *fn;
	void *ctx;
};

static int list_fn(void *ctx, const char *name, const struct iso9660_file *f, uint64_t rec)
{
	struct list_ctx *l = ctx;

	(void)rec;
	return l->fn(l->ctx, name, f);
}

int iso9660_list(struct iso9660 *v, const struct iso9660_file *dir, iso9660_entry_fn *fn,
		 void *ctx)
{
	struct list_ctx l = { fn, ctx };

	return walk(v, dir, dir->joliet, list_fn, &l);
}

/** bfs()'s state: the folders still to walk, and the per-file callback. */
struct bfs_ctx {
	struct iso9660_refs_scratch *q;
	walk_fn *fn;
	void *ctx;
	int overflow;
};

/** Queue folders, hand files on. */
static int bfs_fn(void *ctx, const char *name, const struct iso9660_file *f, uint64_t rec)
{
	struct bfs_ctx *c = ctx;

	if (f->dir) {
		struct iso9660_refs_scratch *q = c->q;

		if (q->n >= ISO9660_MAX_DIRS) {
			c->overflow = 1;
			return 1;
		}
		q->lba[q->n] = f->ext[0].lba;
		q->bytes[q->n] = f->ext[0].bytes;
		q->n++;
		return 0;
	}
	return c->fn(c->ctx, name, f, rec);
}

/**
 * Call @p fn for every file (not folder) of the tree rooted at @p root,
 * breadth first. A folder seen twice (a loop in a forged volume) only costs
 * time, bounded by ISO9660_MAX_DIRS.
 */
static int bfs(struct iso9660 *v, const struct iso9660_file *root,
	       struct iso9660_refs_scratch *q, walk_fn *fn, void *ctx)
{
	struct bfs_ctx c = { q, fn, ctx, 0 };
	uint64_t walked = 0;
	unsigned i;

	if (!root->n_extents)
		return ISO9660_OK;
	q->n = 1;
	q->lba[0] = root->ext[0].lba;
	q->bytes[0] = root->ext[0].bytes;
	for (i = 0; i < q->n; i++) {
		struct iso9660_file d;
		int rc;

		memset(&d, 0, sizeof(d));
		d.dir = 1;
		d.joliet = root->joliet;
		d.n_extents = 1;
		d.ext[0].lba = q->lba[i];
		d.ext[0].bytes = q->bytes[i];
		d.size = q->bytes[i];
		/* A forged volume can make folders loop or claim 16 MiB each:
		 * the whole walk reads at most ISO9660_MAX_WALK_BYTES. */
		walked += d.size;
		if (walked > ISO9660_MAX_WALK_BYTES)
			return ISO9660_E_TOO_BIG;
		rc = walk(v, &d, root->joliet, bfs_fn, &c);
		if (rc)
			return rc;
		if (c.overflow)
			return ISO9660_E_TOO_BIG;
	}
	return ISO9660_OK;
}

/** iso9660_refs' question: the block, and the caller's callback. */
struct refs_ctx {
	uint32_t lba;
	iso9660_ref_fn *fn;
	void *ctx;
};

static int refs_fn(void *ctx, const char *name, const struct iso9660_file *f, uint64_t rec)
{
	struct refs_ctx *c = ctx;

	(void)name;
	if (f->ext[0].lba == c->lba)
		c->fn(c->ctx, rec);
	return 0;
}

int iso9660_refs(struct iso9660 *v, uint32_t lba, struct iso9660_refs_scratch *q,
		 iso9660_ref_fn *fn, void *ctx)
{
	struct refs_ctx c = { lba, fn, ctx };
	int rc = bfs(v, &v->root, q, refs_fn, &c);

	return rc ? rc : bfs(v, &v->jroot, q, refs_fn, &c);
}

/** iso9660_files' adapter. */
struct files_ctx {
	iso9660_entry_fn *fn;
	void *ctx;
};

static int files_fn(void *ctx, const char *name, const struct iso9660_file *f, uint64_t rec)
{
	struct files_ctx *c = ctx;

	(void)rec;
	return c->fn(c->ctx, name, f);
}

int iso9660_files(struct iso9660 *v, struct iso9660_refs_scratch *q, iso9660_entry_fn *fn,
		  void *ctx)
{
	struct files_ctx c = { fn, ctx };

	return bfs(v, &v->root, q, files_fn, &c);
}

int iso9660_read(struct iso9660 *v, const struct iso9660_file *f, uint64_t off, void *buf,
		 uint64_t n)
{
	uint8_t *out = buf;
	unsigned i;

	if (off > f->size || n > f->size - off)
		return ISO9660_E_CORRUPT;
	for (i = 0; i < f->n_extents && n; i++) {
		uint64_t bytes = f->ext[i].bytes, take;

		if (off >= bytes) {
			off -= bytes;
			continue;
		}
		take = bytes - off < n ? bytes - off : n;
		while (take) {
			uint32_t chunk = take > (1u << 30) ? (1u << 30) : (uint32_t)take;

			if (v->read(v->ctx, (uint64_t)f->ext[i].lba * ISO9660_BLOCK + off, out, chunk))
				return ISO9660_E_IO;
			out += chunk;
			off += chunk;
			take -= chunk;
			n -= chunk;
		}
		off = 0;
	}
	return n ? ISO9660_E_CORRUPT : ISO9660_OK;
}

const char *iso9660_strerror(int status)
{
	switch (status) {
	case ISO9660_OK:
		return "ok";
	case ISO9660_E_IO:
		return "read error";
	case ISO9660_E_NOT_ISO:
		return "not an ISO 9660 volume";
	case ISO9660_E_NOT_FOUND:
		return "not found";
	case ISO9660_E_NOT_DIR:
		return "a path component is not a folder";
	case ISO9660_E_CORRUPT:
		return "corrupt directory record";
	case ISO9660_E_TOO_BIG:
		return "too many extents, too deep or too large a folder";
	}
	return "unknown status";
}
