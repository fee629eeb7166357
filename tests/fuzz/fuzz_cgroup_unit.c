/* fuzz_cgroup_unit.c - the systemd unit in a cgroup file (cgroup_unit_parse) on any bytes.
 *
 * Input: a flags byte (bit 0: the buffer was full, the last line may be cut; the rest: the room
 * for the unit, 0 to 127 bytes), then the file's text. Checks: the result is 0 or -ENOENT; the
 * unit is NUL-terminated within its room and clean; "" on -ENOENT; not "" on 0 when there is
 * room for a character; *user only with a unit.
 */
#include <errno.h>
#include <string.h>

#include "cgroup_unit.h"
#include "fuzz_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool cut = data[0] & 1;
	size_t cap = (size_t)(data[0] >> 1);
	char unit[128];
	bool user = true;
	memset(unit, 'x', sizeof unit);
	int rc = cgroup_unit_parse((const char *)data + 1, size - 1, cut, unit, cap, &user);
	FUZZ_ASSERT(rc == 0 || rc == -ENOENT, "returned %d", rc);
	if (cap == 0) {
		FUZZ_ASSERT(unit[0] == 'x', "wrote into no room");
		return 0;
	}
	fuzz_check_text(unit, cap, "unit");
	if (rc == -ENOENT)
		FUZZ_ASSERT(unit[0] == '\0' && !user, "no unit, yet \"%s\" (user %d)", unit, user);
	else if (cap > 4)
		FUZZ_ASSERT(unit[0], "a unit, yet \"\"");
	return 0;
}
