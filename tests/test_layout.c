/* test_layout.c - columns as a pure function of the terminal width; frames and clipping. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "layout.h"
#include "sanitize.h"

static void init(void)
{
	sanitize_init_locale();
}

TestSuite(layout, .init = init);
TestSuite(frame, .init = init);

static void check_no_overlap(const struct layout *l, int width)
{
	for (int i = 0; i < l->ncols; i++) {
		cr_assert_geq(l->cols[i].w, layout_columns[l->cols[i].id].min);
		cr_assert_leq(l->cols[i].x + l->cols[i].w, width, "column %d runs off the edge", i);
		if (i > 0)
			cr_assert_gt(l->cols[i].x, l->cols[i - 1].x + l->cols[i - 1].w - 1,
			             "columns %d and %d overlap", i - 1, i);
	}
}

Test(layout, every_column_at_120)
{
	struct layout l;
	layout_compute_all(120, 30, true, true, &l);
	cr_assert_not(l.too_small);
	cr_assert_eq(l.ncols, COL_ID_COUNT);
	check_no_overlap(&l, 120);
	layout_compute(120, 30, true, &l);
	cr_assert_eq(l.ncols, COL_ID_COUNT - 1, "every column but HEALTH without health checks");
	cr_assert_eq(layout_find(&l, COL_HEALTH), -1);
	layout_compute(120, 30, false, &l);
	cr_assert_eq(l.ncols, COL_ID_COUNT - 2, "nor PANE without tmux panes");
	cr_assert_eq(layout_find(&l, COL_PANE), -1);
	check_no_overlap(&l, 120);
}

/* With health checks, HEALTH comes before the pid and keeps its place down to 60 columns; at 40
 * the essential columns come first. */
Test(layout, the_health_column_only_with_checks_and_before_the_pid)
{
	struct layout l;
	layout_compute_all(80, 24, false, true, &l);
	cr_assert_geq(layout_find(&l, COL_HEALTH), 0);
	cr_assert_lt(layout_find(&l, COL_HEALTH), layout_find(&l, COL_PID));
	cr_assert_geq(l.cols[layout_find(&l, COL_HEALTH)].w, layout_columns[COL_HEALTH].pref);
	layout_compute_all(40, 20, true, true, &l);
	cr_assert_eq(layout_find(&l, COL_HEALTH), -1);
	for (int w = 40; w <= 300; w++) {
		layout_compute_all(w, 20, true, true, &l);
		check_no_overlap(&l, w);
	}
}

/* With tmux panes, the PANE column comes before the pid: at 60 columns it takes the pid's place,
 * and port, process and label keep at least their preferred widths. */
Test(layout, the_pane_column_only_with_panes_and_before_the_pid)
{
	struct layout with, without;
	layout_compute(60, 20, true, &with);
	layout_compute(60, 20, false, &without);
	cr_assert_geq(layout_find(&with, COL_PANE), 0);
	cr_assert_eq(layout_find(&with, COL_PID), -1);
	cr_assert_geq(layout_find(&without, COL_PID), 0);
	check_no_overlap(&with, 60);
	for (enum col_id id = COL_PORT; id <= COL_LABEL; id++)
		cr_assert_geq(with.cols[layout_find(&with, id)].w, layout_columns[id].pref);
	layout_compute(40, 20, true, &with);
	cr_assert_eq(layout_find(&with, COL_PANE), -1, "40 columns: port, process, label first");
	for (int w = 40; w <= 300; w++) {
		layout_compute(w, 20, true, &with);
		check_no_overlap(&with, w);
	}
}

Test(layout, most_columns_at_80)
{
	struct layout l;
	layout_compute(80, 24, false, &l);
	cr_assert_geq(l.ncols, 7);
	cr_assert_lt(l.ncols, COL_ID_COUNT);
	check_no_overlap(&l, 80);
}

Test(layout, port_process_and_label_at_60_and_40)
{
	static const int widths[] = {60, 50, 41, 40};
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		struct layout l;
		layout_compute(widths[i], 15, false, &l);
		cr_assert_not(l.too_small);
		cr_assert_geq(layout_find(&l, COL_PORT), 0);
		cr_assert_geq(layout_find(&l, COL_PROCESS), 0);
		cr_assert_geq(layout_find(&l, COL_LABEL), 0);
		check_no_overlap(&l, widths[i]);
	}
}

Test(layout, every_width_from_40_to_300_is_sound)
{
	int last = 0;
	for (int w = 40; w <= 300; w++) {
		struct layout l;
		layout_compute(w, 20, false, &l);
		check_no_overlap(&l, w);
		cr_assert_geq(l.ncols, last, "a wider terminal never shows fewer columns (%d)", w);
		last = l.ncols;
	}
}

Test(layout, too_small_below_40x8)
{
	struct layout l;
	layout_compute(39, 30, false, &l);
	cr_assert(l.too_small);
	layout_compute(120, 7, false, &l);
	cr_assert(l.too_small);
	layout_compute(40, 8, false, &l);
	cr_assert_not(l.too_small);
}

Test(layout, column_table_matches_its_enum)
{
	for (int i = 0; i < COL_ID_COUNT; i++) {
		cr_assert_eq(layout_columns[i].id, (enum col_id)i);
		cr_assert(layout_columns[i].min <= layout_columns[i].pref);
		cr_assert(layout_columns[i].pref <= layout_columns[i].max);
	}
}

Test(frame, put_clips_with_ellipsis_and_keeps_wide_characters_whole)
{
	struct frame f;
	cr_assert_eq(frame_init(&f, 12, 2), 0);
	cr_assert_eq(frame_put(&f, 0, 0, 6, ST_NORMAL, "postgresql"), 6);
	cr_assert_eq(frame_put(&f, 1, 0, 5, ST_NORMAL, "東京東京"), 5);
	frame_put(&f, 0, 8, 10, ST_NORMAL, "edge-of-frame");
	char *t = frame_to_text(&f);
	cr_assert_str_eq(t, "postg…  edg…\n東京…\n");
	free(t);
	frame_free(&f);
}

Test(frame, right_alignment_and_styles)
{
	struct frame f;
	cr_assert_eq(frame_init(&f, 10, 1), 0);
	frame_put_right(&f, 0, 0, 6, ST_DIM, "977");
	frame_style(&f, 0, 0, 10, ST_SELECTED);
	char *t = frame_to_text(&f);
	cr_assert_str_eq(t, "   977\n");
	cr_assert_eq(frame_at(&f, 0, 9)->style, ST_SELECTED);
	cr_assert_null(frame_at(&f, 1, 0));
	free(t);
	frame_free(&f);
}
