/* AF_ALG messages: control messages, sending by strategy, reading a whole output; failures named by step. */
#define _GNU_SOURCE
#include "wire.h"
#include "errnames.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if_alg.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

static const size_t DEFAULT_CHUNKS[] = { 1, 15, 17 };

/* A failed step: which, and the errno name (or a short explanation). */
int fault_errno(struct fault *f, const char *step)
{
	char buf[32];
	f->step = step;
	snprintf(f->why, sizeof f->why, "%s", errno_name(errno, buf, sizeof buf));
	return -1;
}

int fault_text(struct fault *f, const char *step, const char *fmt, ...)
{
	va_list ap;
	f->step = step;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
	return -1;
}

int send_piece(int fd, unsigned char *data, size_t length, void *control, size_t control_len, int flags, struct fault *f)
{
	struct iovec iov = { data, length };
	struct msghdr msg;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (control_len > 0) {
		msg.msg_control = control;
		msg.msg_controllen = control_len;
	}
	ssize_t sent = sendmsg(fd, &msg, flags);
	if (sent < 0) return fault_errno(f, "send");
	if ((size_t)sent != length) return fault_text(f, "send", "short send %zd/%zu", sent, length);
	return 0;
}

/* Send according to the strategy; control messages ride on the first piece. */
int send_data(long page, int fd, unsigned char *data, size_t length, void *control, size_t control_len,
		     enum strategy strategy, const size_t *chunks, size_t nchunks, struct fault *f)
{
	if (strategy != S_CHUNKS && strategy != S_PAGE_CROSS) return send_piece(fd, data, length, control, control_len, 0, f);
	size_t page_sizes[2] = { PAGE_CROSS_OFFSET, (size_t)page - 3 };
	const size_t *sizes = strategy == S_PAGE_CROSS ? page_sizes : nchunks > 0 ? chunks : DEFAULT_CHUNKS;
	size_t count = strategy == S_PAGE_CROSS ? 2 : nchunks > 0 ? nchunks : 3;
	size_t offset = 0, index = 0;
	do {
		size_t size = sizes[index++ % count];
		if (size > length - offset) size = length - offset;
		int last = offset + size >= length;
		if (send_piece(fd, data + offset, size, control, control_len, last ? 0 : MSG_MORE, f) < 0) return -1;
		control_len = 0;
		offset += size;
	} while (offset < length);
	return 0;
}

static int drop_pipe(int *pipe_rd, int *pipe_wr, int rc)
{
	if (*pipe_rd >= 0) close(*pipe_rd);
	if (*pipe_wr >= 0) close(*pipe_wr);
	*pipe_rd = *pipe_wr = -1;
	return rc;
}

int splice_data(long page, int fd, int *pipe_rd, int *pipe_wr, unsigned char *data, size_t length, void *control, size_t control_len,
		struct fault *f)
{
	if (control_len > 0 && send_piece(fd, data, 0, control, control_len, MSG_MORE, f) < 0) return -1;
	if (*pipe_rd < 0) {
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) < 0) return fault_errno(f, "pipe");
		*pipe_rd = fds[0];
		*pipe_wr = fds[1];
	}
	size_t most = PIPE_PAGES * (size_t)page;
	for (size_t offset = 0; offset < length; offset += most) {
		size_t size = length - offset < most ? length - offset : most;
		struct iovec iov = { data + offset, size };
		ssize_t n = vmsplice(*pipe_wr, &iov, 1, 0);
		if (n < 0) return drop_pipe(pipe_rd, pipe_wr, fault_errno(f, "vmsplice"));
		if ((size_t)n != size) return drop_pipe(pipe_rd, pipe_wr, fault_text(f, "vmsplice", "short %zd/%zu", n, size));
		n = splice(*pipe_rd, NULL, fd, NULL, size, offset + size < length ? SPLICE_F_MORE : 0);
		if (n < 0) return drop_pipe(pipe_rd, pipe_wr, fault_errno(f, "send"));
		if ((size_t)n != size) return drop_pipe(pipe_rd, pipe_wr, fault_text(f, "send", "short splice %zd/%zu", n, size));
	}
	return 0;
}

size_t chained_pieces(size_t length, size_t unit, size_t pieces[3])
{
	size_t blocks = unit ? length / unit : 0;
	if (blocks < 2) { pieces[0] = length; return 1; }
	size_t half = (blocks - 1) / 2;
	pieces[0] = unit;
	pieces[1] = (half ? half : 1) * unit;
	pieces[2] = length - pieces[0] - pieces[1];
	return pieces[2] ? 3 : 2;
}

long read_answer(int fd, unsigned char *out, size_t length)
{
	size_t got = 0;
	do {
		ssize_t n = read(fd, out + got, length ? length - got : 1);
		if (n < 0) return -(long)errno;
		if (n == 0) break;
		got += (size_t)n;
	} while (got < length);
	return (long)got;
}

int read_fully(int fd, unsigned char *out, size_t length, struct fault *f)
{
	if (length == 0) return 0;
	long got = read_answer(fd, out, length);
	if (got < 0) {
		errno = (int)-got;
		return fault_errno(f, "read");
	}
	if ((size_t)got != length) return fault_text(f, "read", "short read %ld/%zu", got, length);
	return 0;
}

/* ALG_SET_OP, ALG_SET_IV and ALG_SET_AEAD_ASSOCLEN into `buf`; returns the length. */
size_t control_messages(unsigned char *buf, size_t size, int encrypt, const struct bytes *iv, const size_t *assoclen)
{
	struct msghdr msg = { .msg_control = buf, .msg_controllen = size };
	uint32_t op = encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	memset(buf, 0, size);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	size_t length = 0;
	cm->cmsg_level = SOL_ALG; cm->cmsg_type = ALG_SET_OP; cm->cmsg_len = CMSG_LEN(4);
	memcpy(CMSG_DATA(cm), &op, 4);
	length += CMSG_SPACE(4);
	if (iv) {
		cm = (struct cmsghdr *)(buf + length);
		uint32_t ivlen = (uint32_t)iv->n;
		cm->cmsg_level = SOL_ALG; cm->cmsg_type = ALG_SET_IV; cm->cmsg_len = CMSG_LEN(4 + iv->n);
		memcpy(CMSG_DATA(cm), &ivlen, 4);
		memcpy(CMSG_DATA(cm) + 4, iv->p, iv->n);
		length += CMSG_SPACE(4 + iv->n);
	}
	if (assoclen) {
		cm = (struct cmsghdr *)(buf + length);
		uint32_t value = (uint32_t)*assoclen;
		cm->cmsg_level = SOL_ALG; cm->cmsg_type = ALG_SET_AEAD_ASSOCLEN; cm->cmsg_len = CMSG_LEN(4);
		memcpy(CMSG_DATA(cm), &value, 4);
		length += CMSG_SPACE(4);
	}
	return length;
}

