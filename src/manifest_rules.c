/* manifest_rules.c - which dependency says what a project is, as data. Within a language the first
 * rule a project's dependencies meet wins: frameworks before the servers they run on (Rails before
 * Puma, Next.js before Express), servers before the dev tools a project also lists (Express before
 * Vite). */
#include "manifest.h"

const char *const manifest_file_names[MANIFEST_KIND_COUNT] = {
    [MANIFEST_PACKAGE_JSON] = "package.json",
    [MANIFEST_PYPROJECT] = "pyproject.toml",
    [MANIFEST_REQUIREMENTS] = "requirements.txt",
    [MANIFEST_PIPFILE] = "Pipfile",
    [MANIFEST_GEMFILE] = "Gemfile",
    [MANIFEST_COMPOSER] = "composer.json",
    [MANIFEST_GO_MOD] = "go.mod",
    [MANIFEST_CARGO] = "Cargo.toml",
};

const enum manifest_eco manifest_kind_eco[MANIFEST_KIND_COUNT] = {
    [MANIFEST_PACKAGE_JSON] = ECO_NODE,   [MANIFEST_PYPROJECT] = ECO_PYTHON,
    [MANIFEST_REQUIREMENTS] = ECO_PYTHON, [MANIFEST_PIPFILE] = ECO_PYTHON,
    [MANIFEST_GEMFILE] = ECO_RUBY,        [MANIFEST_COMPOSER] = ECO_PHP,
    [MANIFEST_GO_MOD] = ECO_GO,           [MANIFEST_CARGO] = ECO_RUST,
};

/* clang-format off */
const struct manifest_rule manifest_rules[] = {
	/* JavaScript: meta-frameworks, then servers, then dev tools. */
	{ECO_NODE, "@nestjs/core", "NestJS"},
	{ECO_NODE, "next", "Next.js"},
	{ECO_NODE, "nuxt", "Nuxt"},
	{ECO_NODE, "@remix-run/*", "Remix"},
	{ECO_NODE, "@sveltejs/kit", "SvelteKit"},
	{ECO_NODE, "astro", "Astro"},
	{ECO_NODE, "gatsby", "Gatsby"},
	{ECO_NODE, "express", "Express"},
	{ECO_NODE, "fastify", "Fastify"},
	{ECO_NODE, "koa", "Koa"},
	{ECO_NODE, "@hapi/hapi", "hapi"},
	{ECO_NODE, "hapi", "hapi"},
	{ECO_NODE, "restify", "restify"},
	{ECO_NODE, "hono", "Hono"},
	{ECO_NODE, "json-server", "json-server"},
	{ECO_NODE, "@angular/core", "Angular"},
	{ECO_NODE, "@storybook/*", "Storybook"},
	{ECO_NODE, "storybook", "Storybook"},
	{ECO_NODE, "webpack-dev-server", "webpack dev"},
	{ECO_NODE, "vite", "Vite"},

	/* Python. */
	{ECO_PYTHON, "django", "Django"},
	{ECO_PYTHON, "flask", "Flask"},
	{ECO_PYTHON, "fastapi", "FastAPI"},
	{ECO_PYTHON, "litestar", "Litestar"},
	{ECO_PYTHON, "starlette", "Starlette"},
	{ECO_PYTHON, "sanic", "Sanic"},
	{ECO_PYTHON, "quart", "Quart"},
	{ECO_PYTHON, "tornado", "Tornado"},
	{ECO_PYTHON, "aiohttp", "aiohttp"},
	{ECO_PYTHON, "pyramid", "Pyramid"},
	{ECO_PYTHON, "falcon", "Falcon"},
	{ECO_PYTHON, "bottle", "Bottle"},
	{ECO_PYTHON, "streamlit", "Streamlit"},

	/* Ruby. */
	{ECO_RUBY, "rails", "Rails"},
	{ECO_RUBY, "railties", "Rails"},
	{ECO_RUBY, "hanami", "Hanami"},
	{ECO_RUBY, "sinatra", "Sinatra"},
	{ECO_RUBY, "roda", "Roda"},
	{ECO_RUBY, "puma", "Puma"},
	{ECO_RUBY, "rack", "Rack"},

	/* PHP. */
	{ECO_PHP, "laravel/framework", "Laravel"},
	{ECO_PHP, "symfony/framework-bundle", "Symfony"},
	{ECO_PHP, "symfony/http-kernel", "Symfony"},
	{ECO_PHP, "slim/slim", "Slim"},
	{ECO_PHP, "cakephp/cakephp", "CakePHP"},
	{ECO_PHP, "yiisoft/yii2", "Yii"},

	/* Go: module paths. */
	{ECO_GO, "github.com/gin-gonic/gin", "Gin"},
	{ECO_GO, "github.com/labstack/echo*", "Echo"},
	{ECO_GO, "github.com/gofiber/fiber*", "Fiber"},
	{ECO_GO, "github.com/go-chi/chi*", "chi"},
	{ECO_GO, "github.com/gorilla/mux", "Gorilla mux"},
	{ECO_GO, "github.com/beego/beego*", "Beego"},

	/* Rust: crates. */
	{ECO_RUST, "axum", "Axum"},
	{ECO_RUST, "actix-web", "Actix Web"},
	{ECO_RUST, "rocket", "Rocket"},
	{ECO_RUST, "warp", "warp"},
	{ECO_RUST, "poem", "Poem"},
	{ECO_RUST, "tide", "Tide"},
	{ECO_RUST, "hyper", "hyper"},
};
/* clang-format on */

const size_t manifest_rules_len = sizeof manifest_rules / sizeof manifest_rules[0];
