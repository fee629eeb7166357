/* usernames.h - uid -> user name, looked up once per uid (getpwuid_r can be slow: NSS, LDAP). */
#ifndef DEVPORTS_USERNAMES_H
#define DEVPORTS_USERNAMES_H

#include <stdint.h>

struct usernames;

/* Returns 0 or -ENOMEM. */
int usernames_new(struct usernames **out);
/* NULL-safe; *u becomes NULL. */
void usernames_free(struct usernames **u);

/* The sanitized name of uid (the uid as digits when it has none). Never NULL; valid until
 * usernames_free(). A name is looked up once and kept for the life of the cache. */
const char *usernames_get(struct usernames *u, uint32_t uid);

#endif
