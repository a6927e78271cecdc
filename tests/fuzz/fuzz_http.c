/* fuzz_http: whole byte streams into the running server. The real
 * brigade-server (its main, compiled in as brigade_server_main) runs in a
 * thread of this process on a loopback port with a temporary demo
 * database; each input is sent over a fresh connection, cut into pieces
 * where the input says, and the server must stay up and keep answering
 * /healthz. Inputs may name a manager's token as "@T@" (64 hex digits
 * stand in for it), so the fuzzer reaches the authenticated routes and the
 * stream, not only the refusals in front of them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int brigade_server_main(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int port;
static char token[65];
static char dir[] = "/tmp/brigade-fuzz-http-XXXXXX";

static void *
serve(void *arg)
{
	static char db[96], portfile[96];
	char *argv[] = { "brigade-server", "--listen", "127.0.0.1:0", "--db", db,
		"--port-file", portfile, "--demo", NULL };

	(void)arg;
	snprintf(db, sizeof db, "%s/brigade.db", dir);
	snprintf(portfile, sizeof portfile, "%s/port", dir);
	exit(brigade_server_main((int)(sizeof argv / sizeof argv[0]) - 1, argv) == 0 ? 0 : 71);
	return NULL;
}

static int
dial(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("fuzz_http: connect");
		abort();
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Read what comes until the peer closes or is quiet for ms; returns the
 * bytes read into buf (at most size). */
static size_t
drain(int fd, char *buf, size_t size, int ms)
{
	size_t got = 0;
	struct pollfd pfd = { fd, POLLIN, 0 };
	char sink[4096];

	while (poll(&pfd, 1, ms) == 1) {
		char *to = got < size ? buf + got : sink;
		size_t room = got < size ? size - got : sizeof sink;
		ssize_t n = recv(fd, to, room, 0);

		if (n <= 0)
			break;
		if (got < size)
			got += (size_t)n;
	}
	return got;
}

/* One request on a fresh connection; the answer's body in out. */
static int
exchange(const char *req, char *out, size_t size)
{
	int fd = dial();
	size_t n;
	int status = 0;

	/* each request says Connection: close: the answer ends with the
	 * connection (a half-close would end it before the answer) */
	if (send(fd, req, strlen(req), 0) < 0)
		abort();
	n = drain(fd, out, size - 1, 5000);
	close(fd);
	out[n] = '\0';
	sscanf(out, "HTTP/1.1 %d", &status);
	return status;
}

static void check_alive(void);
static void cleanup(void);

static void
start(void)
{
	pthread_t t;
	char path[128], buf[4096], *tok;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		abort();
	if (pthread_create(&t, NULL, serve, NULL) != 0)
		abort();
	snprintf(path, sizeof path, "%s/port", dir);
	for (int i = 0; i < 3000 && port == 0; i++) {
		usleep(10000);
		if ((fp = fopen(path, "r")) != NULL) {
			if (fscanf(fp, "%d", &port) != 1)
				port = 0;
			fclose(fp);
		}
	}
	if (port == 0) {
		fprintf(stderr, "fuzz_http: the server did not start\n");
		abort();
	}
	{
		static const char body[] = "{\"staff\":\"m1\",\"pin\":\"4444\",\"terminal\":\"fz\"}";

		snprintf(buf, sizeof buf, "POST /api/v1/auth/login HTTP/1.1\r\nHost: f\r\n"
		    "Connection: close\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	}
	if (exchange(buf, buf, sizeof buf) != 200 ||
	    (tok = strstr(buf, "\"token\":\"")) == NULL) {
		fprintf(stderr, "fuzz_http: cannot log in: %s\n", buf);
		abort();
	}
	memcpy(token, tok + 9, 64);
	token[64] = '\0';
	atexit(cleanup);
	atexit(check_alive);   /* runs first */
}

/* The temporary database goes with the process. */
static void
cleanup(void)
{
	static const char *const names[] = { "brigade.db", "brigade.db-wal",
		"brigade.db-shm", "port" };
	char path[160];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
check_alive(void)
{
	char buf[1024];

	if (exchange("GET /healthz HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n", buf,
	    sizeof buf) != 200) {
		fprintf(stderr, "fuzz_http: /healthz no longer answers: %s\n", buf);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned runs;
	unsigned char *stream;
	size_t n = 0, pos = 0;
	unsigned cut;
	int fd;

	if (port == 0)
		start();
	if (size < 1 || size > 65536 + 1024)
		return 0;
	/* the first byte: how big the pieces are (0: all at once) */
	cut = data[0];
	data++;
	size--;
	/* each @T@ (3 bytes) becomes the 64 of the token */
	stream = malloc(size / 3 * 64 + size + 1);
	for (size_t i = 0; i < size; i++) {
		if (i + 3 <= size && memcmp(data + i, "@T@", 3) == 0) {
			memcpy(stream + n, token, 64);
			n += 64;
			i += 2;
		} else {
			stream[n++] = data[i];
		}
	}
	fd = dial();
	while (pos < n) {
		size_t piece = cut == 0 ? n - pos : (size_t)cut;

		if (piece > n - pos)
			piece = n - pos;
		if (send(fd, stream + pos, piece, MSG_NOSIGNAL) < 0)
			break;   /* the server closed it: what it does with garbage */
		pos += piece;
	}
	/* read the answers; the server must not keep a connection that has
	 * sent all it will for longer than its timeouts, but don't wait that
	 * long here: a short quiet spell, then close */
	drain(fd, NULL, 0, 30);
	close(fd);
	free(stream);
	if (++runs % 64 == 1)
		check_alive();
	return 0;
}
