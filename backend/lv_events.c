/* lv_events.c: being written */
