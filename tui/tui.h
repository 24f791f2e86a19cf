/* tui.h - tiny helpers shared by every tui module. */
#ifndef TVE_TUI_TUI_H
#define TVE_TUI_TUI_H

#include "util.h"

#define TUI_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TUI_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
