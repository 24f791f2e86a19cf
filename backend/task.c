/* task.c: being written */
