// Opens GET /images/stream with EventSource and shows each preview as it arrives, then the final image.
const form = document.getElementById('generate');
const status = document.getElementById('status');
const partials = document.getElementById('partials');
const final = document.getElementById('final');
const events = document.getElementById('events');
let source;

function logEvent(text) {
  const item = document.createElement('li');
  item.textContent = text;
  events.append(item);
}

function figure(src, caption, alt) {
  const element = document.createElement('figure');
  const img = document.createElement('img');
  img.src = src;
  img.alt = alt;
  const text = document.createElement('figcaption');
  text.textContent = caption;
  element.append(img, text);
  return element;
}

form.addEventListener('submit', (submit) => {
  submit.preventDefault();
  source?.close();
  partials.replaceChildren();
  final.replaceChildren();
  events.replaceChildren();
  const query = new URLSearchParams(new FormData(form));
  status.textContent = 'Generating…';
  source = new EventSource(`/images/stream?${query}`);

  source.addEventListener('partial', (event) => {
    const partial = JSON.parse(event.data);
    const item = document.createElement('li');
    item.className = 'partial';
    item.append(figure(partial.url, `preview ${partial.partialIndex + 1} of image ${partial.index + 1}`, 'a preview'));
    partials.append(item);
    logEvent(`partial ${partial.index}.${partial.partialIndex}`);
    status.textContent = `Preview ${partial.partialIndex + 1} received…`;
  });

  source.addEventListener('image', (event) => {
    const image = JSON.parse(event.data);
    const element = figure(image.url, `${image.width}×${image.height} ${image.mediaType}`, 'the final image');
    element.className = 'final';
    final.append(element);
    logEvent(`image ${image.index}`);
  });

  source.addEventListener('done', (event) => {
    // Closed at once: an EventSource left open reconnects when the server ends the stream, starting another one.
    source.close();
    const done = JSON.parse(event.data);
    logEvent('done');
    status.textContent = `Done: ${done.images.length} image(s) from ${done.model}.`;
  });

  source.addEventListener('error', (event) => {
    source.close();
    let message = 'the connection was lost';
    if (event.data) {
      try {
        message = JSON.parse(event.data).message;
      } catch {
        message = event.data;
      }
    }
    logEvent('error');
    status.textContent = `Failed: ${message}`;
  });
});
