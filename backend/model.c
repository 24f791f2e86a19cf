/* model.c: being written */
