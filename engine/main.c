#include <stdio.h>
int main(void)
{
	fprintf(stderr, "netplumb: not built yet\n");
	return 1;
}
