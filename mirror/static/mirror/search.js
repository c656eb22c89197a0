/* The mirror's search, in the reader's browser, with no server (mirror/search.py
 * builds the index it reads).
 *
 * A query's words are read as the index was written: lower case, ё as е, split
 * into letters and digits. Each word is looked up in forms/<key>.js (word forms
 * with their stems: those met in the stories and every form the Russian
 * dictionary knows of their words, «махачкале» -> «махачкала»); a word not found
 * there is taken as a stem itself. Its stories are those terms/<key>.js lists
 * under the stem. A word the index cannot read (a form of a word the dictionary
 * does not know, an English form no story uses) falls back to the stems that
 * begin with it (a word typed in part) or share with it all but their last three
 * letters, at least four: "protesting" finds "protest". The stories holding every
 * word are shown, newest first (the highest ids).
 *
 * The index files are scripts that call NewsroomMirrorSearch.load(), so that the
 * search works from a static host and from a copy opened from disk alike.
 */
(function (root) {
  "use strict";

  var WORD = /[\p{L}\p{N}_]+/gu;
  var KEY_LETTERS = 3;
  var STORIES_PER_FILE = 100;
  var SHOWN = 50;
  var loaded = {};
  var waiting = {};

  function words(text) {
    return text.toLowerCase().replace(/ё/g, "е").match(WORD) || [];
  }

  function key(word) {
    var letters = Array.from(word).slice(0, KEY_LETTERS).join("");
    return Array.from(new TextEncoder().encode(letters), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  // Called by each index file as it loads.
  function load(name, data) {
    loaded[name] = data;
    (waiting[name] || []).forEach(function (resolve) { resolve(data); });
    delete waiting[name];
  }

  // In the browser: an index file is a script added to the page.
  function scriptLoader(base) {
    return function (name) {
      if (name in loaded) return Promise.resolve(loaded[name]);
      return new Promise(function (resolve) {
        var first = !(name in waiting);
        (waiting[name] = waiting[name] || []).push(resolve);
        if (!first) return;
        var script = document.createElement("script");
        script.src = base + name + ".js";
        script.onerror = function () { load(name, {}); };  // no such shard
        document.head.appendChild(script);
      });
    };
  }

  function commonPrefix(a, b) {
    var length = 0;
    while (length < a.length && length < b.length && a[length] === b[length]) length++;
    return length;
  }

  async function storiesOf(word, get) {
    var forms = (await get("forms/" + key(word))) || {};
    var stem = Object.prototype.hasOwnProperty.call(forms, word) ? forms[word] : word;
    var terms = (await get("terms/" + key(stem))) || {};
    if (Object.prototype.hasOwnProperty.call(terms, stem)) return terms[stem];
    // A form the stories never use: the stems it begins or that begin with it.
    var near = (await get("terms/" + key(word))) || {};
    var found = new Set();
    Object.keys(near).forEach(function (candidate) {
      var shared = commonPrefix(candidate, word);
      if (
        (word.length >= 3 && candidate.startsWith(word)) ||
        (shared >= 4 && shared >= word.length - 3 && shared >= candidate.length - 3)
      ) {
        near[candidate].forEach(function (id) { found.add(id); });
      }
    });
    return Array.from(found);
  }

  // The ids of the stories holding every word of `query`, newest (highest) first.
  async function search(query, get) {
    var unique = Array.from(new Set(words(query)));
    if (!unique.length) return [];
    var lists = await Promise.all(unique.map(function (word) { return storiesOf(word, get); }));
    lists.sort(function (a, b) { return a.length - b.length; });
    var result = new Set(lists[0]);
    lists.slice(1).forEach(function (list) {
      var other = new Set(list);
      result.forEach(function (id) { if (!other.has(id)) result.delete(id); });
    });
    return Array.from(result).sort(function (a, b) { return b - a; });
  }

  // [address, headline, date] of each story, read from stories/<n>.js.
  async function describe(ids, get) {
    return Promise.all(ids.map(async function (id) {
      var chunk = (await get("stories/" + Math.floor(id / STORIES_PER_FILE))) || {};
      return chunk[String(id)];
    }));
  }

  function show(box, query, ids, stories) {
    var status = box.querySelector(".mirror-search__status");
    var results = box.querySelector(".mirror-search__results");
    results.textContent = "";
    if (!ids.length) {
      status.textContent = box.dataset.nothing;
      return;
    }
    var text = box.dataset.found.replace("{count}", ids.length);
    if (ids.length > SHOWN) text += " " + box.dataset.shown.replace("{shown}", SHOWN);
    status.textContent = text;
    stories.forEach(function (story) {
      if (!story) return;
      var item = document.createElement("article");
      item.className = "story";
      var time = document.createElement("p");
      time.className = "story__meta";
      time.textContent = story[2];
      var heading = document.createElement("h3");
      heading.className = "story__headline";
      var link = document.createElement("a");
      link.href = story[0];
      link.textContent = story[1];
      heading.appendChild(link);
      item.appendChild(time);
      item.appendChild(heading);
      results.appendChild(item);
    });
  }

  async function run() {
    var box = document.getElementById("mirror-search");
    if (!box) return;
    var query = new URLSearchParams(window.location.search).get("q") || "";
    document.querySelectorAll('input[name="q"]').forEach(function (input) {
      input.value = query;
    });
    if (!query.trim()) return;
    box.querySelector(".mirror-search__status").textContent = box.dataset.searching;
    var get = scriptLoader(box.dataset.index);
    var ids = await search(query, get);
    show(box, query, ids, await describe(ids.slice(0, SHOWN), get));
  }

  root.NewsroomMirrorSearch = {
    load: load,
    loaded: loaded,
    words: words,
    key: key,
    search: search,
    describe: describe,
  };
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }
})(typeof window !== "undefined" ? window : globalThis);
