/* The command line: virsh's command names, options and messages. */
#pragma once

#include <stdbool.h>

struct np_engine;

struct np_cli {
	struct np_engine *eng;
	bool json;
	int exit_code; /* a command that succeeded with an answer of "no" (doctor) */
};

int np_cli_main(int argc, char **argv);

/* Commands, one per virsh verb; argv[0] is the command name. Return 0 or
 * -errno; errors are printed by the caller from err. */
struct np_err;
int np_cmd_define(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_create(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_undefine(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_start(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_destroy(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_list(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_dumpxml(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_leases(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_uuid(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_name(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_plan(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_autostart(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_boot(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_info(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_reload(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_edit(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_port_add(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_port_delete(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_port_list(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_validate(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_update(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_desc(struct np_cli *c, int argc, char **argv, struct np_err *err);
int np_cmd_doctor(struct np_cli *c, int argc, char **argv, struct np_err *err);
