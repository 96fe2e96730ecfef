/* Reading and atomically replacing files. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Reads a whole file, refusing files larger than max bytes (-EFBIG). The
 * result is NUL-terminated; *ret_len (optional) excludes the NUL. */
int np_file_read(const char *path, size_t max, char **ret, size_t *ret_len);
/* Writes data to a temp file in the same directory, fsyncs it, renames it
 * over path and fsyncs the directory, so readers see the old or the new
 * content and never a torn file. */
int np_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode);
/* mkdir -p with mode for the created components. */
int np_mkdir_p(const char *path, mode_t mode);
/* unlink that treats a missing file as success. */
int np_file_remove(const char *path);
