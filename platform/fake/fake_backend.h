/* fake_backend.h - what the fake backend offers beyond platform.h: deterministic playback.
 *
 * A fake platform (platform_open() with kind PLATFORM_FAKE) plays a scenario's steps against the
 * monotonic clock from the moment it was opened. Tests, golden frames and screenshots need the
 * same snapshot every run: platform_fake_seek() stops that clock at a chosen time.
 */
#ifndef DEVPORTS_FAKE_BACKEND_H
#define DEVPORTS_FAKE_BACKEND_H

#include "platform.h"

/* Moves playback to `seconds` after opening and holds it there: every platform_collect() returns
 * the step shown at that time (the last one whose "at" is <= seconds) until the next seek. Process
 * start times do not move. Returns 0, or -EINVAL when p is not a fake platform or seconds is
 * negative or not a number. */
int platform_fake_seek(struct platform *p, double seconds);

#endif
