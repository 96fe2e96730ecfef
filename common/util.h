/* Small helpers shared by every module: cleanup attributes and ownership moves. */
#pragma once

#include <stdlib.h>
#include <errno.h>
#include <unistd.h>

#define np_cleanup(fn) __attribute__((cleanup(fn)))
#define np_unused __attribute__((unused))
#define np_printf(a, b) __attribute__((format(printf, a, b)))
#define NP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hands ownership of *pp to the caller and leaves NULL behind, so a cleanup
 * attribute on the source does nothing. */
#define np_steal(pp)                                                           \
	({                                                                     \
		__typeof__(*(pp)) _tmp = *(pp);                                \
		*(pp) = NULL;                                                  \
		_tmp;                                                          \
	})

static inline void np_freep(void *p)
{
	free(*(void **)p);
}
#define _np_free_ np_cleanup(np_freep)

/* name(type **p) frees *p with fn unless it is NULL: a cleanup function
 * for a library's own free (np_cleanup(name)). */
#define NP_DEFINE_FREEP(name, type, fn)                                        \
	static inline void name(type **p)                                      \
	{                                                                      \
		if (*p)                                                        \
			fn(*p);                                                \
	}

static inline void np_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _np_close_ np_cleanup(np_closep)

static inline int np_negerr(int e)
{
	return e > 0 ? -e : (e == 0 ? -EIO : e);
}
