/* Work-order pages: previews of the photos chosen before upload (with the count and size limits
   checked at once — the server checks again), "select all" for bulk actions, closing panels. */
(function () {
  "use strict";

  function showPreviews(input) {
    var box = document.querySelector('[data-previews-for="' + input.id + '"]');
    var note = document.querySelector('[data-photo-note-for="' + input.id + '"]');
    if (!box) return;
    box.innerHTML = "";
    var max = parseInt(input.getAttribute("data-max") || "6", 10);
    var maxBytes = parseInt(input.getAttribute("data-max-bytes") || "5242880", 10);
    var files = Array.prototype.slice.call(input.files || []);
    var problems = [];
    if (files.length > max) problems.push("最多上传" + max + "张照片，您选择了" + files.length + "张");
    files.forEach(function (file) {
      var isImage = /^image\//.test(file.type);
      if (!isImage) problems.push("“" + file.name + "”不是图片");
      if (file.size > maxBytes) problems.push("“" + file.name + "”超过" + Math.round(maxBytes / 1048576) + "MB，请压缩后再上传");
      var figure = document.createElement("figure");
      if (isImage) {
        var img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
        figure.appendChild(img);
      }
      var caption = document.createElement("figcaption");
      caption.textContent = file.name;
      figure.appendChild(caption);
      box.appendChild(figure);
    });
    var count = document.querySelector('[data-photo-count-for="' + input.id + '"]');
    if (count) count.textContent = files.length ? "已选择" + files.length + "张" : "可拍照或从相册选择";
    if (note) {
      note.textContent = problems.join("；");
      note.hidden = problems.length === 0;
    }
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches('input[type="file"][name="photos"]')) showPreviews(el);
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-select-all],[data-close]") : null;
    if (!el) return;
    if (el.hasAttribute("data-select-all")) {
      var boxes = document.querySelectorAll('input[type="checkbox"][form="' + el.getAttribute("data-select-all") + '"]');
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
      el.textContent = all ? "全选本页" : "取消全选";
    } else if (el.hasAttribute("data-close")) {
      var panel = document.querySelector(el.getAttribute("data-close"));
      if (panel) {
        event.preventDefault();
        panel.innerHTML = "";
      }
    }
  });
})();
