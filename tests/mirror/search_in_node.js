// The mirror's search script (mirror/static/mirror/search.js), run by node against
// a built mirror's index, as a browser would run it:
//   node search_in_node.js SCRIPT SEARCH_FOLDER QUERY
// prints [[id, address, headline, date], ...], newest first.
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [script, folder, query] = process.argv.slice(2);
const context = vm.createContext({ TextEncoder, URLSearchParams, console });
vm.runInContext(fs.readFileSync(script, "utf8"), context);
const search = context.NewsroomMirrorSearch;

// What the browser's script loader does: run the index file, which calls load().
async function get(name) {
  if (!(name in search.loaded)) {
    const file = path.join(folder, name + ".js");
    if (fs.existsSync(file)) {
      vm.runInContext(fs.readFileSync(file, "utf8"), context);
    } else {
      search.load(name, {});
    }
  }
  return search.loaded[name];
}

(async () => {
  const ids = await search.search(query, get);
  const stories = await search.describe(ids.slice(0, 50), get);
  console.log(JSON.stringify(ids.map((id, index) => [id, ...(stories[index] || [])])));
})();
