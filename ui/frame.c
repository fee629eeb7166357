/* frame.c - the off-screen grid views draw into. */
#include "frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

int frame_init(struct frame *f, int w, int h)
{
	*f = (struct frame){0};
	if (w < 0 || h < 0)
		return -EINVAL;
	f->cells = calloc((size_t)w * (size_t)h + 1, sizeof *f->cells);
	if (!f->cells)
		return -ENOMEM;
	f->w = w;
	f->h = h;
	frame_clear(f);
	return 0;
}

void frame_free(struct frame *f)
{
	free(f->cells);
	*f = (struct frame){0};
}

void frame_clear(struct frame *f)
{
	for (int i = 0; i < f->w * f->h; i++)
		f->cells[i] = (struct cell){.ch = " ", .style = ST_NORMAL};
}

static struct cell *cell_at(struct frame *f, int y, int x)
{
	if (y < 0 || y >= f->h || x < 0 || x >= f->w)
		return NULL;
	return &f->cells[y * f->w + x];
}

const struct cell *frame_at(const struct frame *f, int y, int x)
{
	return cell_at((struct frame *)f, y, x);
}

/* Length of the UTF-8 character starting with byte b (1 for anything unexpected). */
static size_t char_len(unsigned char b)
{
	return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
}

int frame_put(struct frame *f, int y, int x, int maxw, enum style st, const char *text)
{
	char clipped[1024];
	if (y < 0 || y >= f->h || x >= f->w || maxw <= 0)
		return 0;
	if (x + maxw > f->w)
		maxw = f->w - x;
	int total = sanitize_clip(clipped, sizeof clipped, text, maxw);
	const char *p = clipped;
	int col = x;
	while (*p && col < x + maxw) {
		size_t n = char_len((unsigned char)*p);
		char one[5] = {0};
		memcpy(one, p, n);
		int w = sanitize_width(one);
		struct cell *c = cell_at(f, y, col);
		if (c) {
			memcpy(c->ch, one, sizeof c->ch);
			c->style = (uint8_t)st;
		}
		if (w == 2) {
			struct cell *right = cell_at(f, y, col + 1);
			if (right) {
				right->ch[0] = '\0';
				right->style = (uint8_t)st;
			}
		}
		col += w;
		p += n;
	}
	return total;
}

int frame_put_right(struct frame *f, int y, int x, int w, enum style st, const char *text)
{
	int tw = sanitize_width(text);
	if (tw > w)
		return frame_put(f, y, x, w, st, text);
	return frame_put(f, y, x + w - tw, tw, st, text);
}

void frame_style(struct frame *f, int y, int x, int w, enum style st)
{
	for (int i = 0; i < w; i++) {
		struct cell *c = cell_at(f, y, x + i);
		if (c)
			c->style = (uint8_t)st;
	}
}

char *frame_to_text(const struct frame *f)
{
	size_t cap = (size_t)f->h * ((size_t)f->w * 4 + 1) + 1, o = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (int y = 0; y < f->h; y++) {
		size_t keep = o;
		for (int x = 0; x < f->w; x++) {
			const char *ch = f->cells[y * f->w + x].ch;
			size_t n = strlen(ch);
			memcpy(out + o, ch, n);
			o += n;
			if (n && strcmp(ch, " ") != 0)
				keep = o;
		}
		o = keep;
		out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}
