#!/bin/sh
# cupsd-up.sh DIR: a private cupsd for the tests, entirely inside DIR: its
# own config, spool, logs and a Unix socket (DIR/cups.sock, no TCP port),
# with ServerBin a copy of the system's that adds the capture backend.
# Queues: "capture" (bytes to DIR/capture.bin) and "broken" (its backend
# cannot write, so jobs are cancelled). Exit 77 when cupsd is missing.
set -eu
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
cupsd=$(command -v cupsd || echo /usr/sbin/cupsd)
[ -x "$cupsd" ] || { echo "cupsd not installed (Debian package cups-daemon)"; exit 77; }
[ -d /usr/lib/cups ] || { echo "no /usr/lib/cups"; exit 77; }
command -v lpadmin >/dev/null || { echo "lpadmin not installed (cups-client)"; exit 77; }

mkdir -p "$dir/etc" "$dir/serverbin/backend" "$dir/state" "$dir/cache" "$dir/spool/tmp" \
	"$dir/log"
for d in /usr/lib/cups/*; do
	[ "$(basename "$d")" = backend ] || ln -sf "$d" "$dir/serverbin/"
done
install -m 0700 "$here/capture" "$dir/serverbin/backend/capture"
chmod 0755 "$dir" "$dir/serverbin" "$dir/serverbin/backend"

user=$(id -un)
cat > "$dir/etc/cups-files.conf" <<CONF
ServerRoot $dir/etc
ServerBin $dir/serverbin
DataDir /usr/share/cups
StateDir $dir/state
CacheDir $dir/cache
RequestRoot $dir/spool
TempDir $dir/spool/tmp
ErrorLog $dir/log/error_log
AccessLog $dir/log/access_log
PageLog $dir/log/page_log
FileDevice Yes
SystemGroup root $(id -gn)
CONF
if [ "$(id -u)" -ne 0 ]; then
	echo "User $user" >> "$dir/etc/cups-files.conf"
fi
cat > "$dir/etc/cupsd.conf" <<CONF
Listen $dir/cups.sock
LogLevel info
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultAuthType None
JobRetryLimit 0
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
CONF
"$cupsd" -f -c "$dir/etc/cupsd.conf" -s "$dir/etc/cups-files.conf" \
	> "$dir/log/cupsd.out" 2>&1 &
echo $! > "$dir/cupsd.pid"
i=0
until lpstat -h "$dir/cups.sock" -r 2>/dev/null | grep -q "is running"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$(cat "$dir/cupsd.pid")" 2>/dev/null; then
		echo "cupsd did not start:"
		cat "$dir/log/cupsd.out" "$dir/log/error_log" 2>/dev/null | tail -20
		exit 1
	fi
	sleep 0.1
done
lpadmin -h "$dir/cups.sock" -p capture -E -v "capture:$dir/capture.bin" 2>/dev/null
lpadmin -h "$dir/cups.sock" -p broken -E -v "capture:/nonexistent-dir/capture.bin" \
	-o printer-error-policy=abort-job 2>/dev/null
