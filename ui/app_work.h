/* app_work.h - inside the app: the parts of app_tick() and app_busy() that the kill box
 * (app_kill.c) and the inspect view (app_detail.c) own. */
#ifndef DEVPORTS_APP_WORK_H
#define DEVPORTS_APP_WORK_H

#include "app.h"

bool app_kill_tick(struct app *a);
bool app_kill_busy(const struct app *a);
bool app_detail_tick(struct app *a);
bool app_detail_busy(const struct app *a);
bool app_health_tick(struct app *a);
bool app_health_busy(const struct app *a);
/* The health checks read again when the project files' hash (platform_project_files) is not the
 * one the board was read from; app_projects_refresh passes it, so one walk of the project folders
 * serves the project maps and the checks. Whether the board was read again. */
bool app_health_files(struct app *a, uint64_t files);
/* Waits on the health checks' sockets and fd, when checks are under way (app_wait). */
bool app_health_wait(struct app *a, int fd, int timeout_ms);
void app_health_free(struct app *a);
/* A check whose latest result starts failing (or is down), or passes again, is told once
 * (app_notify: tmux, the bell, OSC 9/777); its first result only sets what is known. app_tick
 * calls it when the runner recorded results. */
void app_health_tell(struct app *a);

#endif
