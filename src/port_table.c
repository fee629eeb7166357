/* port_table.c - conventional uses of ports a developer meets. Sorted by port, no duplicates
 * (a unit test checks both). Labels are short enough for a 60-column pane. */
#include "port_table.h"

#include <stdlib.h>

const struct port_entry port_table[] = {
    {20, PP_TCP, "FTP data", "FTP data transfer"},
    {21, PP_TCP, "FTP", "FTP control"},
    {22, PP_TCP, "SSH", "OpenSSH server (sshd)"},
    {23, PP_TCP, "Telnet", "Telnet"},
    {25, PP_TCP, "SMTP", "mail transfer (Postfix, Exim)"},
    {53, PP_BOTH, "DNS", "DNS resolver (systemd-resolved, dnsmasq, bind)"},
    {67, PP_UDP, "DHCP", "DHCP server"},
    {68, PP_UDP, "DHCP client", "DHCP client (dhclient, NetworkManager)"},
    {80, PP_TCP, "HTTP", "web server (nginx, Apache, Caddy)"},
    {111, PP_BOTH, "rpcbind", "ONC RPC port mapper (NFS)"},
    {123, PP_UDP, "NTP", "time sync (chronyd, ntpd)"},
    {137, PP_UDP, "NetBIOS", "NetBIOS name service (Samba)"},
    {139, PP_TCP, "SMB", "NetBIOS session (Samba)"},
    {143, PP_TCP, "IMAP", "IMAP mail"},
    {443, PP_BOTH, "HTTPS", "web server over TLS (nginx, Apache, Caddy)"},
    {445, PP_TCP, "SMB", "Windows file sharing (Samba)"},
    {631, PP_BOTH, "CUPS", "printing (CUPS)"},
    {993, PP_TCP, "IMAPS", "IMAP over TLS"},
    {1080, PP_TCP, "SOCKS", "SOCKS proxy"},
    {1433, PP_TCP, "SQL Server", "Microsoft SQL Server"},
    {1521, PP_TCP, "Oracle", "Oracle Database listener"},
    {1883, PP_TCP, "MQTT", "MQTT broker (Mosquitto)"},
    {2375, PP_TCP, "Docker API", "Docker Engine API, plain"},
    {2376, PP_TCP, "Docker TLS", "Docker Engine API over TLS"},
    {3000, PP_TCP, "Next/Rails", "Rails, Next.js, Express, Create React App, Grafana"},
    {3001, PP_TCP, "dev server", "second dev server (Next.js, CRA, Express when 3000 is taken)"},
    {3306, PP_TCP, "MySQL", "MySQL / MariaDB"},
    {3389, PP_TCP, "RDP", "Remote Desktop"},
    {4000, PP_TCP, "Phoenix", "Phoenix, Gatsby (serve), Jekyll alternate"},
    {4040, PP_TCP, "ngrok", "ngrok web inspector, Spark UI"},
    {4173, PP_TCP, "Vite preview", "Vite preview server"},
    {4200, PP_TCP, "Angular", "Angular CLI (ng serve)"},
    {4321, PP_TCP, "Astro", "Astro dev server"},
    {4566, PP_TCP, "LocalStack", "LocalStack (AWS emulator)"},
    {5000, PP_TCP, "Flask", "Flask, ASP.NET Core; on macOS AirPlay Receiver (ControlCenter)"},
    {5001, PP_TCP, "Flask alt", "Flask / ASP.NET Core HTTPS, second dev server"},
    {5037, PP_TCP, "adb", "Android Debug Bridge server"},
    {5050, PP_TCP, "pgAdmin", "pgAdmin web UI"},
    {5173, PP_TCP, "Vite", "Vite dev server"},
    {5174, PP_TCP, "Vite", "Vite dev server (second)"},
    {5353, PP_UDP, "mDNS", "multicast DNS (avahi, mDNSResponder)"},
    {5432, PP_TCP, "PostgreSQL", "PostgreSQL"},
    {5555, PP_TCP, "adb", "Android device over TCP"},
    {5672, PP_TCP, "RabbitMQ", "RabbitMQ (AMQP)"},
    {5900, PP_TCP, "VNC", "VNC screen sharing"},
    {6006, PP_TCP, "Storybook", "Storybook, TensorBoard"},
    {6379, PP_TCP, "Redis", "Redis"},
    {6443, PP_TCP, "Kubernetes", "Kubernetes API server"},
    {7000, PP_TCP, "AirPlay", "macOS AirPlay Receiver (ControlCenter); Cassandra"},
    {7474, PP_TCP, "Neo4j", "Neo4j browser and HTTP API"},
    {8000, PP_TCP, "Django", "Django, Laravel, PHP built-in server, python -m http.server"},
    {8008, PP_TCP, "HTTP alt", "alternate HTTP"},
    {8025, PP_TCP, "MailHog", "MailHog / Mailpit web UI (SMTP on 1025)"},
    {8080, PP_TCP, "HTTP alt", "Spring Boot, Tomcat, webpack-dev-server, proxies"},
    {8081, PP_TCP, "Metro", "React Native Metro bundler, second HTTP alternate"},
    {8443, PP_TCP, "HTTPS alt", "alternate HTTPS (Tomcat, Kubernetes dashboards)"},
    {8888, PP_TCP, "Jupyter", "Jupyter Notebook / JupyterLab"},
    {9000, PP_TCP, "PHP-FPM", "PHP-FPM, SonarQube, MinIO"},
    {9090, PP_TCP, "Prometheus", "Prometheus"},
    {9092, PP_TCP, "Kafka", "Apache Kafka"},
    {9200, PP_TCP, "Elasticsearch", "Elasticsearch / OpenSearch"},
    {9229, PP_TCP, "Node inspect", "Node.js inspector (node --inspect)"},
    {11211, PP_BOTH, "memcached", "memcached"},
    {11434, PP_TCP, "Ollama", "Ollama model server"},
    {19000, PP_TCP, "Expo", "Expo dev server"},
    {19006, PP_TCP, "Expo web", "Expo for web"},
    {24678, PP_TCP, "Vite HMR", "Vite hot module reload socket"},
    {27017, PP_TCP, "MongoDB", "MongoDB"},
};

const size_t port_table_len = sizeof port_table / sizeof port_table[0];

static int cmp_port(const void *key, const void *elem)
{
	uint16_t x = *(const uint16_t *)key, y = ((const struct port_entry *)elem)->port;
	return (x > y) - (x < y);
}

const struct port_entry *port_table_find(uint16_t port, enum listener_proto proto)
{
	unsigned want = proto == PROTO_UDP ? PP_UDP : PP_TCP;
	const struct port_entry *e =
	    bsearch(&port, port_table, port_table_len, sizeof port_table[0], cmp_port);
	return e && (e->protos & want) ? e : NULL;
}
