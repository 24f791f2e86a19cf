#include <stdio.h>
int main(void){puts("tve");return 0;}
