/* small_file.c - a bounded read of a regular file that never blocks (small_file.h). */
#include "small_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int small_file_read(const char *path, size_t max, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	int rc = 0;
	char *buf = NULL;
	size_t n = 0;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if ((size_t)st.st_size > max)
		rc = -EFBIG;
	else if (!(buf = malloc((size_t)st.st_size + 1)))
		rc = -ENOMEM;
	while (rc == 0 && n <= (size_t)st.st_size) {
		ssize_t got = read(fd, buf + n, (size_t)st.st_size + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = -errno;
		else if (got == 0)
			break;
		else
			n += (size_t)got;
	}
	if (rc == 0 && n > (size_t)st.st_size)
		rc = -EFBIG; /* it grew while read */
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

void small_file_why(int rc, size_t max, char *buf, size_t len)
{
	if (rc == -EFBIG && max >= (1u << 20) && max % (1u << 20) == 0)
		snprintf(buf, len, "larger than %zu MiB: not read", max >> 20);
	else if (rc == -EFBIG)
		snprintf(buf, len, "larger than %zu bytes: not read", max);
	else if (rc == -EINVAL)
		snprintf(buf, len, "not a regular file");
	else
		snprintf(buf, len, "%s", strerror(-rc));
}
