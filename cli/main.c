#include "cli/cli.h"

int main(int argc, char **argv)
{
	return np_cli_main(argc, argv);
}
