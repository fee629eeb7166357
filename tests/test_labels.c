/* test_labels.c - the port table, and where a label comes from: config, process or port. */
#include <criterion/criterion.h>
#include <string.h>

#include "config.h"
#include "labels.h"
#include "make_listener.h"
#include "port_table.h"

Test(port_table, sorted_without_duplicates_and_big_enough)
{
	cr_assert_geq(port_table_len, 40);
	for (size_t i = 1; i < port_table_len; i++)
		cr_assert_lt(port_table[i - 1].port, port_table[i].port,
		             "entry %zu (%u) is out of order", i, (unsigned)port_table[i].port);
	for (size_t i = 0; i < port_table_len; i++) {
		cr_assert(port_table[i].protos >= PP_TCP && port_table[i].protos <= PP_BOTH);
		cr_assert(port_table[i].label[0] && port_table[i].details[0]);
		cr_assert_lt(strlen(port_table[i].label), sizeof ((struct label *)0)->text);
	}
}

Test(port_table, the_ports_developers_ask_about)
{
	static const unsigned want[] = {22,   53,   80,   443,  1433, 1521, 3000, 3001,  3306,
	                                4000, 4200, 5000, 5001, 5173, 5174, 5353, 5432,  6379,
	                                7000, 8000, 8080, 8888, 9229, 27017};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		enum listener_proto p = want[i] == 5353 ? PROTO_UDP : PROTO_TCP;
		cr_expect_not_null(port_table_find((uint16_t)want[i], p), "%u is missing", want[i]);
	}
	cr_assert_str_eq(port_table_find(5000, PROTO_TCP)->label, "Flask");
	cr_assert(strstr(port_table_find(5000, PROTO_TCP)->details, "AirPlay"));
	cr_assert_null(port_table_find(5432, PROTO_UDP), "PostgreSQL is TCP only");
	cr_assert_null(port_table_find(1, PROTO_TCP));
	cr_assert_null(port_table_find(65535, PROTO_TCP));
}

Test(labels, source_names_match_the_enum)
{
	for (int i = 0; i < LABEL_SOURCE_COUNT; i++)
		cr_assert_not_null(label_source_names[i]);
	cr_assert_str_eq(label_source_names[LABEL_PROCESS], "process");
}

Test(labels, the_process_wins_over_the_port)
{
	struct listener l = make_listener(PROTO_TCP, "0.0.0.0", 8000, 40110, "python3", "dev");
	test_set_cmdline(&l, "python3 -m http.server 8000");
	struct label lab = labels_for(&l, NULL);
	cr_assert_str_eq(lab.text, "Python http.server");
	cr_assert_eq(lab.source, LABEL_PROCESS);
	cr_assert_eq(lab.role, ROLE_DEV);
}

Test(labels, a_runtime_is_named_with_its_file_never_guessed_from_the_port)
{
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", 8000, 40110, "python3", "dev");
	test_set_cmdline(&l, "python3 app.py");
	struct label lab = labels_for(&l, NULL);
	cr_assert_str_eq(lab.text, "Python app.py", "8000's Django? is never shown for a runtime");
	cr_assert_eq(lab.source, LABEL_RUNTIME);
	cr_assert_str_eq(lab.from, "runtime: python3");
	cr_assert_eq(lab.role, ROLE_RUNTIME);
}

Test(labels, an_unknown_process_falls_back_to_a_port_guess)
{
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", 8000, 40110, "mystery", "dev");
	struct label lab = labels_for(&l, NULL);
	cr_assert_str_eq(lab.text, "Django");
	cr_assert_eq(lab.source, LABEL_PORT);
	cr_assert_str_eq(lab.from, "port table: a guess");
}

/* Each step of the order of evidence (labels.h) beats every step after it. */
Test(labels, the_order_of_evidence)
{
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", 3000, 5120, "node", "dev");
	test_set_cmdline(&l, "node server.js");
	struct proc_info *p = test_proc(&l);
	struct label lab = labels_for(&l, NULL);
	cr_assert_eq(lab.source, LABEL_RUNTIME);
	cr_assert_str_eq(lab.text, "Node.js server.js");

	p->unit = "shop.service";
	lab = labels_for(&l, NULL);
	cr_assert_eq(lab.source, LABEL_SERVICE);
	cr_assert_str_eq(lab.text, "shop.service");
	cr_assert_str_eq(lab.from, "service unit: shop.service");

	p->parent_label = "Uvicorn";
	p->parent_from = "uvicorn";
	lab = labels_for(&l, NULL);
	cr_assert_eq(lab.source, LABEL_PARENT);
	cr_assert_str_eq(lab.text, "Uvicorn");
	cr_assert_str_eq(lab.from, "parent: uvicorn");

	p->manifest = "Express";
	p->manifest_from = "package.json: express";
	lab = labels_for(&l, NULL);
	cr_assert_eq(lab.source, LABEL_MANIFEST);
	cr_assert_str_eq(lab.text, "Express");
	cr_assert_str_eq(lab.from, "package.json: express");
	cr_assert_eq(lab.role, ROLE_DEV);

	test_set_cmdline(&l, "node node_modules/.bin/vite");
	lab = labels_for(&l, NULL);
	cr_assert_eq(lab.source, LABEL_PROCESS, "what the process says beats its project");
	cr_assert_str_eq(lab.text, "Vite");
	cr_assert_str_eq(lab.from, "command: vite");

	struct config c;
	config_init(&c);
	const char *text = "{\"labels\": {\"3000\": \"shop\"}}";
	cr_assert_eq(config_parse(&c, text, strlen(text), "c.json", NULL), 0);
	lab = labels_for(&l, &c);
	cr_assert_eq(lab.source, LABEL_CONFIG);
	cr_assert_str_eq(lab.text, "shop");
	config_free(&c);
}

Test(labels, a_container_names_a_docker_proxy_row)
{
	struct listener l = make_listener(PROTO_TCP, "0.0.0.0", 8080, 900, "docker-proxy", "root");
	test_set_cmdline(&l, "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 "
	                     "-container-ip 172.17.0.2 -container-port 80");
	struct label lab = labels_for(&l, NULL);
	cr_assert_str_eq(lab.text, "Docker proxy", "without the engine's word");
	struct container_info c = {.engine = "docker", .id = "0123", .name = "web",
	                           .image = "nginx:1.25", .port = 80};
	l.container = &c;
	lab = labels_for(&l, NULL);
	cr_assert_eq(lab.source, LABEL_CONTAINER);
	cr_assert_str_eq(lab.text, "web");
	cr_assert_str_eq(lab.from, "docker: container web, image nginx:1.25");
	cr_assert_eq(lab.role, ROLE_DOCKER);
}

Test(labels, a_hidden_owner_gets_the_port_guess_only)
{
	struct listener l = make_listener(PROTO_TCP, "0.0.0.0", 22, 0, "", "root");
	l.owner_hidden = true;
	struct label lab = labels_for(&l, NULL);
	cr_assert_str_eq(lab.text, "SSH");
	cr_assert_eq(lab.source, LABEL_PORT);
	cr_assert_eq(lab.role, ROLE_NONE);
}

Test(labels, nothing_known)
{
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", 43771, 7, "mystery", "dev");
	struct label lab = labels_for(&l, NULL);
	cr_assert_str_eq(lab.text, "");
	cr_assert_eq(lab.source, LABEL_NONE);
}

Test(labels, the_config_wins_and_the_role_stays)
{
	struct config c;
	config_init(&c);
	const char *text = "{\"labels\": {\"5000\": \"my AirPlay\", \"3000/udp\": \"udp only\"}}";
	cr_assert_eq(config_parse(&c, text, strlen(text), "c.json", NULL), 0);
	struct listener l = make_listener(PROTO_TCP, "0.0.0.0", 5000, 612, "ControlCenter", "dev");
	struct label lab = labels_for(&l, &c);
	cr_assert_str_eq(lab.text, "my AirPlay");
	cr_assert_eq(lab.source, LABEL_CONFIG);
	cr_assert_eq(lab.role, ROLE_AIRPLAY, "detection still says what the process is");
	struct listener tcp3000 = make_listener(PROTO_TCP, "127.0.0.1", 3000, 9, "node", "dev");
	cr_assert_eq(labels_for(&tcp3000, &c).source, LABEL_RUNTIME, "the label is for UDP only");
	config_free(&c);
}
