// The course site's only script (a classic script: module scripts do not load from file://). It adds a copy
// button to each code cell, folds the lessons menu on phones, marks the section being read in the contents
// list, and runs the search box on the index built at build time (assets/search-index.js, MiniSearch).
// It only builds elements with textContent and attributes: nothing from the index becomes markup.
"use strict";

(function () {
  // The page's words, in the language of the site it belongs to (<html lang>: en, or zh-CN for out/site/zh/).
  var ui = document.documentElement.lang === "zh-CN"
    ? {
        copy: "复制", copied: "已复制", copyLabel: "复制本单元的代码",
        noResults: function (query) { return "没有课程提到\u201c" + query + "\u201d。"; },
        count: function (n) { return n + " 节课"; },
      }
    : {
        copy: "Copy", copied: "Copied", copyLabel: "Copy the code of this cell",
        noResults: function (query) { return "No lesson mentions \u201c" + query + "\u201d."; },
        count: function (n) { return n + (n === 1 ? " lesson" : " lessons"); },
      };

  function copyButtons() {
    document.querySelectorAll("pre.input").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = ui.copy;
      button.setAttribute("aria-label", ui.copyLabel);
      button.addEventListener("click", function () {
        var text = pre.innerText.replace(/\n$/, "");
        var done = function () {
          button.textContent = ui.copied;
          setTimeout(function () { button.textContent = ui.copy; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else {
          fallbackCopy(text);
          done();
        }
      });
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(button);
    });
  }

  // Pages opened from disk are not always a secure context; a hidden textarea and execCommand still copy.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (error) { /* nothing more to try */ }
    area.remove();
  }

  // A box that scrolls sideways (wide code, a wide output, a long formula) must be reachable by keyboard.
  function focusableScrollers() {
    document.querySelectorAll("pre, .katex-display, table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }

  function foldMenuOnPhones() {
    var menu = document.querySelector(".lessons-menu");
    if (menu && window.matchMedia("(max-width: 50rem)").matches) menu.removeAttribute("open");
  }

  function followSections() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a"));
    if (links.length === 0 || !("IntersectionObserver" in window)) return;
    var byId = {};
    links.forEach(function (link) { byId[decodeURIComponent(link.hash.slice(1))] = link; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        links.forEach(function (link) { link.classList.remove("active"); });
        var link = byId[entry.target.id];
        if (link) link.classList.add("active");
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) {
      var heading = document.getElementById(id);
      if (heading) observer.observe(heading);
    });
  }

  function search() {
    var box = document.getElementById("search-box");
    var panel = document.getElementById("search-results");
    var data = window.CONVLAB_SEARCH;
    if (!box || !panel || !data || !window.MiniSearch) return;
    // The Chinese site's index was built with its own tokenizer (character bigrams); queries must use it too.
    var options = window.CONVLAB_TOKENIZE ? Object.assign({}, data.options, { tokenize: window.CONVLAB_TOKENIZE }) : data.options;
    var index = window.MiniSearch.loadJS(data.index, options);

    function element(tag, text, className) {
      var node = document.createElement(tag);
      if (text) node.textContent = text;
      if (className) node.className = className;
      return node;
    }

    function link(url, text) {
      var anchor = element("a", text);
      anchor.setAttribute("href", url);
      return anchor;
    }

    /** Results grouped by lesson, best lesson first; each lesson lists its three best sections. */
    function show(query) {
      panel.textContent = "";
      if (query.trim().length < 2) { panel.hidden = true; return; }
      var lessons = [], byLesson = {};
      index.search(query).forEach(function (hit) {
        var page = hit.url.split("#")[0];
        if (!byLesson[page]) { byLesson[page] = { page: page, title: hit.lesson, sections: [] }; lessons.push(byLesson[page]); }
        if (hit.heading && byLesson[page].sections.length < 3) byLesson[page].sections.push(hit);
      });
      panel.hidden = false;
      if (lessons.length === 0) { panel.appendChild(element("p", ui.noResults(query))); return; }
      panel.appendChild(element("p", ui.count(lessons.length)));
      var list = element("ol");
      lessons.forEach(function (lesson) {
        var item = element("li", "", "result");
        item.setAttribute("data-page", lesson.page);
        item.appendChild(link(lesson.page, lesson.title));
        if (lesson.sections.length > 0) {
          var sections = element("span", "", "sections");
          lesson.sections.forEach(function (hit) { sections.appendChild(link(hit.url, hit.heading)); });
          item.appendChild(sections);
        }
        list.appendChild(item);
      });
      panel.appendChild(list);
    }

    box.addEventListener("input", function () { show(box.value); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { box.value = ""; show(""); }
    });
    document.addEventListener("click", function (event) {
      if (!panel.contains(event.target) && event.target !== box) panel.hidden = true;
    });
    box.addEventListener("focus", function () { if (box.value) show(box.value); });
  }

  // Printed pages show every solution: the stylesheet opens them where ::details-content is known, this
  // opens them everywhere else (and closes again the ones the reader had closed).
  function openSolutionsForPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details.solution:not([open])").forEach(function (details) { details.open = true; opened.push(details); });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      opened = [];
    });
  }

  copyButtons();
  openSolutionsForPrint();
  foldMenuOnPhones();
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("toggle", focusableScrollers, true);
  followSections();
  search();
})();
