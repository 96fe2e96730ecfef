/* libnl reports its own NLE_* numbers (NLE_EXIST is 6, which as an errno
 * would read ENXIO). Everything leaving netlink/ is a negative errno, so this
 * table is the one place where they are translated. Kernel replies do not go
 * through it: nl_sys.c keeps the kernel's errno from the NLMSG_ERROR itself,
 * because libnl's errno -> NLE mapping loses information (ENOENT and ESRCH
 * both become NLE_OBJ_NOTFOUND, many become NLE_FAILURE). */
#include "netlink/internal.h"

#include <errno.h>
#include <netlink/errno.h>

static const int nle_to_errno[] = {
	[NLE_SUCCESS] = 0,
	[NLE_FAILURE] = EIO,
	[NLE_INTR] = EINTR,
	[NLE_BAD_SOCK] = EBADF,
	[NLE_AGAIN] = EAGAIN,
	[NLE_NOMEM] = ENOMEM,
	[NLE_EXIST] = EEXIST,
	[NLE_INVAL] = EINVAL,
	[NLE_RANGE] = ERANGE,
	[NLE_MSGSIZE] = EMSGSIZE,
	[NLE_OPNOTSUPP] = EOPNOTSUPP,
	[NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
	/* libnl's "object not found" is about links in practice. */
	[NLE_OBJ_NOTFOUND] = ENODEV,
	[NLE_NOATTR] = ENODATA,
	[NLE_MISSING_ATTR] = EINVAL,
	[NLE_AF_MISMATCH] = EAFNOSUPPORT,
	[NLE_SEQ_MISMATCH] = EPROTO,
	[NLE_MSG_OVERFLOW] = EOVERFLOW,
	[NLE_MSG_TRUNC] = EMSGSIZE,
	[NLE_NOADDR] = EADDRNOTAVAIL,
	[NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
	[NLE_MSG_TOOSHORT] = EBADMSG,
	[NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
	[NLE_OBJ_MISMATCH] = EINVAL,
	[NLE_NOCACHE] = ENOENT,
	[NLE_BUSY] = EBUSY,
	[NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
	[NLE_NOACCESS] = EACCES,
	[NLE_PERM] = EPERM,
	[NLE_PKTLOC_FILE] = ENOENT,
	[NLE_PARSE_ERR] = EBADMSG,
	[NLE_NODEV] = ENODEV,
	[NLE_IMMUTABLE] = EPERM,
	/* The dump changed while it was read; the caller may retry. */
	[NLE_DUMP_INTR] = EAGAIN,
	[NLE_ATTRSIZE] = EBADMSG,
};

int np_nl_errno(int nle)
{
	long long n = nle < 0 ? -(long long)nle : nle;

	if (n == 0)
		return 0;
	if (n >= (long long)NP_ARRAY_SIZE(nle_to_errno) || nle_to_errno[n] == 0)
		return -EIO;
	return -nle_to_errno[n];
}
